// The generator part of nvidia/bigvgan_v2_22khz_80band_256x config.json (the vocoder IndexTTS2 ships), built in so
// that `bookvox bench` runs BigVGAN at its real size from any directory. A loaded model reads its own config.
import Foundation

extension BigVGANConfig {
    /// bigvgan_v2_22khz_80band_256x: 80 mels, 1536 initial channels, upsampling 4·4·2·2·2·2 = 256, SnakeBeta.
    public static func released22kHz80Band256x() throws -> BigVGANConfig {
        let json = """
        {"resblock": "1", "upsample_rates": [4, 4, 2, 2, 2, 2], "upsample_kernel_sizes": [8, 8, 4, 4, 4, 4],
         "upsample_initial_channel": 1536, "resblock_kernel_sizes": [3, 7, 11],
         "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5]], "use_tanh_at_final": false,
         "use_bias_at_final": false, "activation": "snakebeta", "snake_logscale": true, "num_mels": 80,
         "n_fft": 1024, "hop_size": 256, "win_size": 1024, "sampling_rate": 22050, "fmin": 0, "fmax": null}
        """
        return try JSONDecoder().decode(BigVGANConfig.self, from: Data(json.utf8))
    }
}
