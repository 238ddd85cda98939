"""The one exception type for mistakes a user can fix: its message says what to do next."""


__all__ = ["UserError"]


class UserError(ValueError):
    """Bad input from the user (an unknown actor, a bad date, an empty period...).

    The CLI prints the message on one line and exits with code 2; in Python, catch it to report the problem.

    Examples
    --------
    >>> from detente import periods
    >>> try:
    ...     periods.parse("2021-03-01:2021-02-01")
    ... except UserError as e:
    ...     print(e)
    start 2021-03-01 is after end 2021-02-01; swap --start and --end
    """
