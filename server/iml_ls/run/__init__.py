"""Running a component's requests for real: send them, and run Make's response pipeline on the answers."""
