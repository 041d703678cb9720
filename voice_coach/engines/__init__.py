"""What loads a model: Whisper (faster-whisper) and Silero voice activity."""
