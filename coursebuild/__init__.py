"""The stages of the course build; build.py runs them in order."""
