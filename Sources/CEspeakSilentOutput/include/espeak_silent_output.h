// bookvox never plays audio through espeak-ng: see espeak_silent_output.c.
#ifndef BOOKVOX_ESPEAK_SILENT_OUTPUT_H
#define BOOKVOX_ESPEAK_SILENT_OUTPUT_H

/// 1: this process carries the no-device stand-in for pcaudiolib's create_audio_device_object.
int bv_espeak_silent_output(void);

#endif
