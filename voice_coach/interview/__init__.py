"""The mock phone interview: the session loop, the interviewer's lines and the question bank."""
