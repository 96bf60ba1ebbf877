"""The course's figures: a numpy network and one matplotlib module per figure."""
