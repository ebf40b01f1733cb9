"""The texts of the public pages, Vietnamese first, English one tap away.

Pages are rendered in one language (``?lang=en`` switches); the live script
gets the same table for the states it draws itself.
"""

from __future__ import annotations

LANGS = ("vi", "en")

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "title_track": "Số thứ tự của bạn",
        "your_number": "Số của bạn",
        "service": "Dịch vụ",
        "waiting": "Đang chờ",
        "ahead": "{n} người trước bạn",
        "ahead_none": "Bạn là người tiếp theo",
        "wait_about": "Dự kiến chờ khoảng {m} phút",
        "wait_unknown": "Chưa ước tính được thời gian chờ",
        "called": "Mời đến quầy {counter}",
        "called_sub": "Please go to counter {counter}",
        "serving": "Đang được phục vụ tại quầy {counter}",
        "done": "Đã hoàn thành. Cảm ơn quý khách!",
        "no_show": "Đã qua lượt: quý khách không có mặt khi được gọi",
        "cancelled": "Vé đã bị hủy",
        "live": "Tự động cập nhật",
        "offline": "Mất kết nối, đang thử lại…",
        "other_lang": "English",
        "sound_hint": "Chạm vào màn hình để bật âm báo khi được gọi",
        "privacy": "Trang này không chứa thông tin cá nhân.",
        "title_board": "Bảng số thứ tự",
        "now_calling": "Đang mời",
        "counter": "Quầy",
        "counters": "Các quầy",
        "waiting_per_service": "Số người đang chờ",
        "free": "—",
        "paused": "Tạm dừng",
        "recent_calls": "Vừa gọi",
        "no_calls": "Chưa có số nào được gọi",
        "error_title": "Không thể hiển thị",
        "back": "Trang chủ",
        "home_title": "Hệ thống xếp hàng",
        "home_board": "Bảng số thứ tự (màn hình sảnh)",
        "home_hint": "Quét mã QR trên phiếu để theo dõi số của bạn.",
    },
    "en": {
        "title_track": "Your ticket",
        "your_number": "Your number",
        "service": "Service",
        "waiting": "Waiting",
        "ahead": "{n} people ahead of you",
        "ahead_none": "You are next",
        "wait_about": "Estimated wait about {m} min",
        "wait_unknown": "No wait estimate yet",
        "called": "Please go to counter {counter}",
        "called_sub": "Mời đến quầy {counter}",
        "serving": "Being served at counter {counter}",
        "done": "Finished. Thank you!",
        "no_show": "Missed: you were not there when called",
        "cancelled": "This ticket was cancelled",
        "live": "Updates by itself",
        "offline": "Connection lost, retrying…",
        "other_lang": "Tiếng Việt",
        "sound_hint": "Tap the screen to allow a sound when you are called",
        "privacy": "This page holds no personal data.",
        "title_board": "Queue board",
        "now_calling": "Now calling",
        "counter": "Counter",
        "counters": "Counters",
        "waiting_per_service": "People waiting",
        "free": "—",
        "paused": "Paused",
        "recent_calls": "Just called",
        "no_calls": "No number called yet",
        "error_title": "Cannot show this",
        "back": "Home",
        "home_title": "Queue system",
        "home_board": "Queue board (hall screen)",
        "home_hint": "Scan the QR code on your ticket to follow your number.",
    },
}


def pick_lang(value: str | None) -> str:
    return value if value in LANGS else "vi"


def other_lang(lang: str) -> str:
    return "en" if lang == "vi" else "vi"
