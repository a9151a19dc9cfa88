// AudioDSP: audio I/O, resampling, STFT/mel/fbank front ends, loudness, fades, MP3.
