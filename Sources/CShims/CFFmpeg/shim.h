#pragma once
// FFmpeg's libavformat (MP4/M4B muxing and probing), libavcodec (the native AAC encoder) and libavutil.
#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>

// Function-like macros Swift cannot import.
static inline int bv_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int bv_averror_eof(void) { return AVERROR_EOF; }
