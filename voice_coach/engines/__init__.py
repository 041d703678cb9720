"""What loads a model: Whisper (faster-whisper), Silero voice activity, and speech synthesis (pyttsx3, espeak-ng)."""
