"""The speaker: which events are said (cue policy), when (one at a time), the speech engine, the WAV timeline."""
