"""Human handoff: cases that ask for legal-aid, union or counselling staff.

This first slice opens and escalates cases (a crisis opens an urgent counselling case at once);
staff registration, the queue, claiming, relay and closing build on it. No python-telegram-bot here.
"""
