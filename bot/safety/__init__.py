"""The safety net: crisis screening of every word a person types, and the care that follows."""
