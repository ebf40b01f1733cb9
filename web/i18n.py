"""The texts of the public pages: Vietnamese keyed sources, other languages from the catalogs.

Pages are rendered in one language (``?lang=en`` switches); the live script gets the same
table for the states it draws itself.  Each value below is a gettext msgid: English and any
language a site drops in come from ``services.translations`` (docs/translations.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from services.translations import SOURCE_LANG, available_languages, translations

SOURCE: dict[str, str] = {
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
    "title_province": "Toàn tỉnh: các điểm phục vụ",
    "province_site": "Điểm",
    "province_waiting": "Đang chờ",
    "province_longest": "Chờ lâu nhất",
    "province_target": "mục tiêu {m} phút",
    "province_over": "Quá thời gian",
    "province_counters": "Quầy mở",
    "province_served": "Đã phục vụ hôm nay",
    "province_rating": "Hài lòng hôm nay",
    "province_data_up_to": "Dữ liệu đến",
    "province_none": "Chưa có điểm nào.",
    "minutes_short": "{m} phút",
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
    "home_book": "Đặt lịch hẹn trước",
    "book_title": "Đặt lịch hẹn",
    "book_choose_service": "Chọn thủ tục cần giải quyết",
    "book_none": "Hiện chưa có thủ tục nào nhận đặt lịch hẹn.",
    "book_day": "Ngày",
    "book_slot": "Giờ hẹn",
    "book_places": "còn {n} chỗ",
    "book_full": "hết chỗ",
    "book_no_slots": "Ngày này không còn giờ trống.",
    "book_name": "Họ và tên",
    "book_phone": "Số điện thoại di động",
    "book_submit": "Đặt lịch",
    "book_change_service": "Chọn thủ tục khác",
    "booking_title": "Lịch hẹn của bạn",
    "booking_new": "Đặt lịch thành công. Hãy lưu mã này (hoặc chụp màn hình).",
    "booking_code": "Mã lịch hẹn",
    "booking_when": "Thời gian",
    "booking_checkin": "Đến trước giờ hẹn: quét mã QR này tại máy lấy số (từ {start} đến {end}).",
    "booking_status_booked": "Đã đặt",
    "booking_status_checked_in": "Đã đến, số thứ tự {ticket}",
    "booking_status_cancelled": "Đã huỷ",
    "booking_status_no_show": "Đã quá giờ hẹn",
    "booking_cancel": "Huỷ lịch hẹn",
    "booking_cancel_confirm": "Tôi muốn huỷ lịch hẹn này",
    "booking_cancelled_now": "Đã huỷ lịch hẹn. Chỗ đã được trả lại.",
    "booking_privacy": ("Trang này chỉ mở được bằng đường liên kết riêng của bạn; "
                        "không hiển thị tên và số điện thoại."),
}


class _Texts(Mapping[str, dict[str, str]]):
    """``TEXTS[lang]`` -> {key: text}: each Vietnamese source looked up in that language's catalog."""

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang not in available_languages():
            raise KeyError(lang)
        catalog = translations(lang)
        texts = {key: catalog.gettext(text) for key, text in SOURCE.items()}
        texts["other_lang"] = "English" if lang == SOURCE_LANG else "Tiếng Việt"
        return texts

    def __iter__(self) -> Iterator[str]:
        return iter(available_languages())

    def __len__(self) -> int:
        return len(available_languages())


TEXTS = _Texts()


def pick_lang(value: str | None) -> str:
    return value if value and value in available_languages() else SOURCE_LANG


def other_lang(lang: str) -> str:
    return "en" if lang == SOURCE_LANG else SOURCE_LANG
