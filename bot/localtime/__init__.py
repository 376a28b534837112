"""Members' local time: DST-correct schedule maths (schedule.py), typed clock times
(hhmm.py), time zones and offsets (zones.py), cities (cities.py) and "today" (today.py)."""
