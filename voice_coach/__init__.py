"""voice_coach: practise phone-screen interviews aloud, analysed on your own machine."""

__version__ = "0.1.0"
