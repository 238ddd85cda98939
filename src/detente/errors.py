"""The one exception type for mistakes a user can fix: its message says what to do next."""


class UserError(ValueError):
    """Bad input from the user (an unknown actor, a bad date, an empty period...)."""
