"""Starting ``onestop admin``: database, login (supervisor/admin only), then the window."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from db.connection import connect
from db.province import holds_several_sites
from db.site import load_site


def main(args: argparse.Namespace) -> int:
    connect(getattr(args, "db", None))
    site = load_site()  # before Qt starts: "run onestop init first" goes to the terminal
    province = holds_several_sites()  # the province tab: a database of several sites

    from PySide6.QtWidgets import QDialog

    from admin_app.login import LoginDialog
    from admin_app.window import PROGRAM, AdminWindow
    from ui_common import theme, watchdog
    from ui_common.app import make_app, quit_on_signals
    from ui_common.i18n import LANG_ENV, start_language

    app = make_app("onestop-admin", sys.argv[:1])
    app.setFont(theme.font(14))
    start_language(PROGRAM, getattr(args, "lang", None) or os.environ.get(LANG_ENV) or None)
    keep_alive = quit_on_signals(app)  # noqa: F841 - the signal notifier must live as long as the loop
    heartbeat = watchdog.start(app)  # noqa: F841 - beats in the login dialog's loop and the window's
    login = LoginDialog(site.name, site_name_en=site.name_en)

    def stop_login(*_: object) -> None:
        # QDialog.exec() runs its own event loop, which app.quit() does not end.
        login.reject()
        app.quit()

    signal.signal(signal.SIGINT, stop_login)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, stop_login)
    if login.exec() != QDialog.Accepted or login.officer is None:
        return 0
    quit_on_signals(app)  # back to plain app.quit() for the main window's loop
    window = AdminWindow(login.officer, site, province=province)
    if args.windowed:
        window.show()
    else:
        window.showMaximized()
    window.start()
    return app.exec()
