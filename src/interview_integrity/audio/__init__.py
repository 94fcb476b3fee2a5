"""Sound: a chunk's speech activity (wav.py, resample.py, speech.py, listen.py) and whose speech it was,
told apart by the candidate's own lips (lipsync.py). Analysis reads only the per-window numbers of
signals.py; no sound is ever kept."""
