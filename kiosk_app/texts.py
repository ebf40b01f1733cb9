"""Every word the kiosk shows, in Vietnamese and English, in one place.

Kept apart from the widgets so the wording can be reviewed (and corrected by
someone who reads Vietnamese) without reading Qt code, and so the controller
can build bilingual messages without importing Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

#: key -> (Vietnamese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "choose_field": ("Mời chọn lĩnh vực cần giải quyết", "Please choose a service"),
    "choose_service": ("Mời chọn thủ tục", "Please choose the procedure"),
    "back": ("‹  Quay lại", "‹  Back"),
    "switch_language": ("English", "Tiếng Việt"),
    "priority": ("Ưu tiên", "Priority"),
    "priority_who": (
        "Người cao tuổi, người khuyết tật, phụ nữ mang thai, người đưa trẻ dưới 6 tuổi",
        "Elderly, disabled, pregnant, or with a child under 6",
    ),
    "priority_on": ("Đã chọn ưu tiên — mời chọn lĩnh vực", "Priority selected — now choose a service"),
    "waiting_none": ("Không có người chờ", "Nobody waiting"),
    "waiting_one": ("{n} người đang chờ", "{n} person waiting"),
    "waiting_many": ("{n} người đang chờ", "{n} people waiting"),
    "printing": ("Đang in phiếu…", "Printing your ticket…"),
    "take_ticket": ("Vui lòng nhận phiếu", "Please take your ticket"),
    "your_number": ("Số thứ tự của bạn", "Your number"),
    "ahead": ("Số người chờ trước", "People ahead of you"),
    "estimated_wait": ("Thời gian chờ dự kiến", "Estimated wait"),
    "priority_ticket": ("Ưu tiên", "Priority"),
    "touch_to_finish": ("Chạm vào màn hình để kết thúc", "Touch the screen to finish"),
    "not_printed_title": ("Máy in đang gặp sự cố", "The printer has a problem"),
    "not_printed_hint": (
        "Số của bạn vẫn có hiệu lực. Vui lòng ghi nhớ hoặc chụp ảnh số và mã QR này",
        "Your number is valid. Please note it or take a photo of the number and QR code",
    ),
    "done": ("Xong", "Done"),
    "dossier_lookup": ("Tra cứu hồ sơ", "Look up my dossier"),
    "dossier_lookup_detail": ("Quét mã QR trên giấy tiếp nhận hồ sơ", "Scan the QR code on your filing receipt"),
    "code_entry_dossier": ("Quét mã QR trên giấy tiếp nhận hồ sơ hoặc nhập mã hồ sơ",
                           "Scan the QR code on your filing receipt, or type the dossier code"),
    "booking_checkin": ("Tôi có lịch hẹn", "I have an appointment"),
    "booking_checkin_detail": ("Quét mã QR của lịch hẹn hoặc nhập mã", "Scan your booking's QR code or type its code"),
    "code_entry_booking": ("Đưa mã QR của lịch hẹn (trên điện thoại hoặc giấy) vào máy quét, hoặc nhập mã 6 ký tự",
                           "Hold your booking's QR code (phone or paper) to the scanner, or type its 6-character code"),
    "code_checking": ("Đang kiểm tra lịch hẹn…", "Checking your booking…"),
    "appointment_mark": ("Lịch hẹn {time}", "Appointment {time}"),
    "appointment_repeat_title": ("Lịch hẹn này đã được cấp số", "This booking already has its number"),
    "appointment_repeat_hint": (
        "Đây là số đã cấp cho lịch hẹn của bạn, không cấp thêm số mới. Vui lòng ghi nhớ hoặc chụp ảnh",
        "This is the number already issued for your booking; no second number is issued. Note it or take a photo",
    ),
    "booking_too_early": ("Chưa đến giờ nhận số cho lịch hẹn", "Too early to check in"),
    "booking_too_late": ("Đã quá giờ hẹn", "Your appointment time has passed"),
    "booking_cancelled": ("Lịch hẹn đã bị huỷ", "This booking was cancelled"),
    "booking_refused": ("Không nhận được lịch hẹn", "The booking could not be checked in"),
    "take_ordinary": ("Lấy số thông thường", "Take an ordinary ticket"),
    "code_continue": ("Tiếp tục", "Continue"),
    "code_clear": ("Xoá hết", "Clear"),
    "code_empty": ("Mã đang trống", "Nothing typed yet"),
    "dossier_result": ("Mở trang tra cứu trên điện thoại", "Open the lookup page on your phone"),
    "dossier_hint": ("Dùng camera điện thoại quét mã QR này để xem tình trạng hồ sơ",
                     "Scan this QR code with your phone's camera to see how your dossier is going"),
    "dossier_code": ("Mã hồ sơ", "Dossier code"),
    "sorry": ("Không lấy được số", "No ticket could be issued"),
    "touch_to_go_back": ("Chạm vào màn hình để quay lại", "Touch the screen to go back"),
    "print_failed": ("Không in được phiếu", "The ticket could not be printed"),
    "print_cancelled": (
        "Số vừa cấp đã được huỷ. Vui lòng thử lại sau hoặc báo cán bộ",
        "That number was cancelled. Please try again later or tell an officer",
    ),
    "home_busy": ("Đang in phiếu, xin chờ trong giây lát…", "Printing your ticket, one moment please…"),
    "try_again": ("Có lỗi xảy ra, vui lòng thử lại", "Something went wrong, please try again"),
    "closed_title": ("Ngoài giờ làm việc", "Closed"),
    "closed_reopens": ("Mở cửa lại lúc {when}", "Open again at {when}"),
    "closed_no_reopen": ("Hiện chưa có lịch mở cửa", "No opening time is scheduled"),
    "opening_hours": ("Giờ làm việc: {hours}", "Opening hours: {hours}"),
    "offline_title": ("Tạm ngừng phục vụ", "Temporarily out of service"),
    "offline_hint": (
        "Hệ thống đang tự kết nối lại, xin vui lòng chờ trong giây lát",
        "The system is reconnecting by itself, please wait a moment",
    ),
    "starting": ("Đang khởi động…", "Starting…"),
    "printer_banner_show": (
        "{problem}. Số thứ tự sẽ hiển thị trên màn hình.",
        "{problem}. Your number will be shown on the screen.",
    ),
    "printer_banner_cancel": (
        "{problem}. Tạm ngừng cấp số.",
        "{problem}. Tickets cannot be issued for now.",
    ),
    "reason_closed": ("Ngoài giờ làm việc", "Closed now"),
    "reason_limit": ("Đã hết lượt hôm nay", "Today's limit reached"),
    "reason_range": ("Đã hết số hôm nay", "No numbers left today"),
    "reason_inactive": ("Tạm ngừng tiếp nhận", "Not available"),
    "reason_printer": ("Máy in đang lỗi", "Printer problem"),
    "admin_title": ("Thoát chương trình (quản trị)", "Exit the kiosk (administrator)"),
    "admin_user": ("Tài khoản", "Username"),
    "admin_pin": ("Mã PIN", "PIN"),
    "admin_exit": ("Thoát", "Exit"),
    "admin_cancel": ("Huỷ", "Cancel"),
    "admin_checking": ("Đang kiểm tra…", "Checking…"),
    "minutes_none": ("Chưa ước tính được", "Not known yet"),
    "minutes_lt1": ("Dưới 1 phút", "Under 1 minute"),
    "minutes": ("Khoảng {n} phút", "About {n} min"),
    "hours_minutes": ("Khoảng {h} giờ {m} phút", "About {h} h {m} min"),
}

DAY_RANGE_VI = {"mon": "Thứ Hai", "tue": "Thứ Ba", "wed": "Thứ Tư", "thu": "Thứ Năm", "fri": "Thứ Sáu",
                "sat": "Thứ Bảy", "sun": "Chủ Nhật"}
DAY_RANGE_EN = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Bilingual:
    """A message in both languages; screens pick one or show both."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    def both(self) -> str:
        return self.vi if self.vi == self.en else f"{self.vi} / {self.en}"


def text(key: str, lang: str = "vi", **values: object) -> str:
    vi, en = TEXTS[key]
    return (en if lang == "en" else vi).format(**values)


def bilingual(key: str, **values: object) -> Bilingual:
    vi, en = TEXTS[key]
    return Bilingual(vi.format(**values), en.format(**values))


def waiting(n: int) -> Bilingual:
    if n <= 0:
        return bilingual("waiting_none")
    return bilingual("waiting_one" if n == 1 else "waiting_many", n=n)


def wait_estimate(seconds: int | None) -> Bilingual:
    """Rounded and never falsely precise: the estimate is a median, not a promise."""
    if seconds is None:
        return bilingual("minutes_none")
    if seconds < 60:
        return bilingual("minutes_lt1")
    minutes = round(seconds / 60)
    if minutes >= 90:
        hours, rest = divmod(minutes, 60)
        return bilingual("hours_minutes", h=hours, m=f"{rest:02d}")
    return bilingual("minutes", n=minutes)


def reason(kind: str) -> Bilingual:
    """Why a button is greyed out: ``closed``, ``limit``, ``range``, ``inactive``, ``printer``."""
    return bilingual(f"reason_{kind}") if f"reason_{kind}" in TEXTS else bilingual("reason_inactive")


def opening_hours(hours: tuple[str, ...], days: tuple[str, ...]) -> Bilingual:
    """"07:30-11:30, 13:30-17:00 (Thứ Hai - Thứ Sáu)" in both languages."""
    spans = ", ".join(h.replace("-", "–") for h in hours)
    if set(days) == set(WEEK):
        return Bilingual(f"{spans} (tất cả các ngày)", f"{spans} (every day)")
    ordered = [d for d in WEEK if d in days]
    indexes = [WEEK.index(d) for d in ordered]
    if ordered and indexes == list(range(indexes[0], indexes[0] + len(indexes))) and len(ordered) > 2:
        vi = f"{DAY_RANGE_VI[ordered[0]]} – {DAY_RANGE_VI[ordered[-1]]}"
        en = f"{DAY_RANGE_EN[ordered[0]]}–{DAY_RANGE_EN[ordered[-1]]}"
    else:
        vi = ", ".join(DAY_RANGE_VI[d] for d in ordered)
        en = ", ".join(DAY_RANGE_EN[d] for d in ordered)
    return Bilingual(f"{spans} ({vi})", f"{spans} ({en})")
