// espeak-ng 1.51 (Debian 12) calls pcaudiolib's create_audio_device_object() from
// espeak_ng_InitializeOutput() even in synchronous (retrieval) mode, which connects to the PulseAudio
// server (or opens ALSA) and prints libpulse/ALSA warnings on machines without one. bookvox only
// retrieves samples through the synth callback and never plays them, so this executable defines the
// symbol itself: the dynamic linker binds libespeak-ng's reference to the executable's definition
// (ELF symbol interposition), no audio device object is created and the sound server is never touched.
// espeak-ng uses the object only in ENOUTPUT_MODE_SPEAK_AUDIO, which bookvox never selects.
#include "espeak_silent_output.h"
#include <stddef.h>

struct audio_object;

__attribute__((visibility("default")))
struct audio_object *create_audio_device_object(const char *device, const char *application_name,
                                                const char *description) {
    (void)device;
    (void)application_name;
    (void)description;
    return NULL;
}

int bv_espeak_silent_output(void) { return 1; }
