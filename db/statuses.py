"""The states a ticket goes through, named once (``Ticket.status``, ``TicketInfo.status``).

::

    waiting --call--> called --start--> serving --done--> done
       ^                 |  \\________________________/ |
       |                 +--no-show--> no_show         |
       +---------------- transfer (back to waiting) ---+
    waiting/called/serving --cancel (or day closed)--> cancelled

The values are stored in the database and appear in JSON (``"status"``), so
they never change; code compares against these names, never against bare
strings.  Event kinds (``"called"``, ``"done"``, ...) are a different
vocabulary that happens to share some words: see ``db.events``.
"""

from __future__ import annotations

WAITING = "waiting"        #: issued (or transferred back), in its service's queue
CALLED = "called"          #: called to a counter, the citizen is on the way
SERVING = "serving"        #: the officer has started serving the citizen
DONE = "done"              #: served to the end
NO_SHOW = "no_show"        #: called and never came
CANCELLED = "cancelled"    #: withdrawn (print failure, day closed, by hand)

#: still in the day's queue or at a counter
OPEN = (WAITING, CALLED, SERVING)
#: held by a counter right now (what a counter's "current ticket" may be)
AT_COUNTER = (CALLED, SERVING)
#: finished with, for good
CLOSED = (DONE, NO_SHOW, CANCELLED)
#: every status, in the order a ticket meets them
ALL = (WAITING, CALLED, SERVING, DONE, NO_SHOW, CANCELLED)


# ---------------------------------------------------------------- bookings
# A booking (``Booking.status``) has its own, shorter life; "cancelled" and
# "no_show" are spelled like the ticket states but mean the booking's.
#
#     booked --check-in--> checked_in
#     booked --cancel--> cancelled
#     booked, window passed (derived when read, never stored) --> no_show

BOOKED = "booked"                    #: made, the citizen has not come yet
CHECKED_IN = "checked_in"            #: turned into a ticket at the kiosk or counter
BOOKING_CANCELLED = CANCELLED        #: withdrawn by the citizen (or staff)
BOOKING_NO_SHOW = NO_SHOW            #: the check-in window passed without a check-in
