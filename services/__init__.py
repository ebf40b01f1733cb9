"""Operations that combine the domain (``db``) with the devices (``hardware``).

The layer between them and the programs: e.g. issue a ticket and print it
under the site's failure policy, or turn a keypad press into a rating.
See docs/architecture.md.
"""
