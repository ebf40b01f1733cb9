"""Every word the kiosk shows, in one place: Vietnamese sources, translations from the catalogs.

Kept apart from the widgets so the wording can be reviewed (and corrected by
someone who reads Vietnamese) without reading Qt code, and so the controller
can build bilingual messages without importing Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.translations import (
    SOURCE_LANG,
    available_languages,
    language_name,
    next_language,
    tr,
    translations,
    trn,
)

#: key -> Vietnamese source text (the gettext msgid), or (context, msgid) where one Vietnamese
#: text needs two translations.  English and other languages: assets/locale (docs/translations.md).
TEXTS: dict[str, str | tuple[str, str]] = {
    "choose_field": "Mời chọn lĩnh vực cần giải quyết",
    "choose_service": "Mời chọn thủ tục",
    "back": "‹  Quay lại",
    "priority": "Ưu tiên",
    "priority_who": "Người cao tuổi, người khuyết tật, phụ nữ mang thai, người đưa trẻ dưới 6 tuổi",
    "priority_on": "Đã chọn ưu tiên — mời chọn lĩnh vực",
    "waiting_none": "Không có người chờ",
    "printing": "Đang in phiếu…",
    "take_ticket": "Vui lòng nhận phiếu",
    "your_number": ("kiosk", "Số thứ tự của bạn"),
    "ahead": "Số người chờ trước",
    "estimated_wait": "Thời gian chờ dự kiến",
    "priority_ticket": "Ưu tiên",
    "touch_to_finish": "Chạm vào màn hình để kết thúc",
    "not_printed_title": "Máy in đang gặp sự cố",
    "not_printed_hint": "Số của bạn vẫn có hiệu lực. Vui lòng ghi nhớ hoặc chụp ảnh số và mã QR này",
    "done": "Xong",
    "dossier_lookup": "Tra cứu hồ sơ",
    "dossier_lookup_detail": "Quét mã QR trên giấy tiếp nhận hồ sơ",
    "code_entry_dossier": "Quét mã QR trên giấy tiếp nhận hồ sơ hoặc nhập mã hồ sơ",
    "booking_checkin": "Tôi có lịch hẹn",
    "booking_checkin_detail": "Quét mã QR của lịch hẹn hoặc nhập mã",
    "code_entry_booking": "Đưa mã QR của lịch hẹn (trên điện thoại hoặc giấy) vào máy quét, hoặc nhập mã 6 ký tự",
    "code_checking": "Đang kiểm tra lịch hẹn…",
    "appointment_mark": "Lịch hẹn {time}",
    "appointment_repeat_title": "Lịch hẹn này đã được cấp số",
    "appointment_repeat_hint": (
        "Đây là số đã cấp cho lịch hẹn của bạn, không cấp thêm số mới. Vui lòng ghi nhớ hoặc chụp ảnh"
    ),
    "booking_too_early": "Chưa đến giờ nhận số cho lịch hẹn",
    "booking_too_late": ("kiosk", "Đã quá giờ hẹn"),
    "booking_cancelled": "Lịch hẹn đã bị huỷ",
    "booking_refused": "Không nhận được lịch hẹn",
    "take_ordinary": "Lấy số thông thường",
    "code_continue": "Tiếp tục",
    "code_clear": "Xoá hết",
    "code_empty": "Mã đang trống",
    "dossier_result": "Mở trang tra cứu trên điện thoại",
    "dossier_hint": "Dùng camera điện thoại quét mã QR này để xem tình trạng hồ sơ",
    "dossier_code": "Mã hồ sơ",
    "sorry": "Không lấy được số",
    "touch_to_go_back": "Chạm vào màn hình để quay lại",
    "print_failed": "Không in được phiếu",
    "print_cancelled": "Số vừa cấp đã được huỷ. Vui lòng thử lại sau hoặc báo cán bộ",
    "home_busy": "Đang in phiếu, xin chờ trong giây lát…",
    "try_again": "Có lỗi xảy ra, vui lòng thử lại",
    "closed_title": "Ngoài giờ làm việc",
    "closed_reopens": "Mở cửa lại lúc {when}",
    "closed_no_reopen": "Hiện chưa có lịch mở cửa",
    "opening_hours": "Giờ làm việc: {hours}",
    "offline_title": "Tạm ngừng phục vụ",
    "offline_hint": "Hệ thống đang tự kết nối lại, xin vui lòng chờ trong giây lát",
    "starting": "Đang khởi động…",
    "printer_banner_show": "{problem}. Số thứ tự sẽ hiển thị trên màn hình.",
    "printer_banner_cancel": "{problem}. Tạm ngừng cấp số.",
    "reason_closed": ("reason", "Ngoài giờ làm việc"),
    "reason_limit": "Đã hết lượt hôm nay",
    "reason_range": "Đã hết số hôm nay",
    "reason_inactive": "Tạm ngừng tiếp nhận",
    "reason_printer": "Máy in đang lỗi",
    "admin_title": "Thoát chương trình (quản trị)",
    "admin_user": "Tài khoản",
    "admin_pin": "Mã PIN",
    "admin_exit": "Thoát",
    "admin_cancel": "Huỷ",
    "admin_checking": "Đang kiểm tra…",
    "minutes_none": "Chưa ước tính được",
    "minutes_lt1": "Dưới 1 phút",
    "minutes": "Khoảng {n} phút",
    "minutes_range": "{low}-{high} phút",
    "hours_minutes": "Khoảng {h} giờ {m} phút",
    "listen": "Nghe hướng dẫn",
    "listen_stop": "Dừng đọc",
    "listen_failed": "Không đọc được hướng dẫn",
    "large_text": "Chữ to",
    "high_contrast": "Tương phản cao",
    "quick_title": "Lấy số nhanh",
}

#: the counting text (gettext plural forms)
WAITING = "{n} người đang chờ"

DAY_RANGE_VI = {"mon": "Thứ Hai", "tue": "Thứ Ba", "wed": "Thứ Tư", "thu": "Thứ Năm", "fri": "Thứ Sáu",
                "sat": "Thứ Bảy", "sun": "Chủ Nhật"}
EVERY_DAY = "tất cả các ngày"
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Bilingual:
    """A message in Vietnamese and English (screens pick one or show both), any other language on demand.

    ``source`` and ``values`` keep the msgid before formatting, so a language a site dropped in
    is looked up in its catalog when a screen asks for it; site data (field and service names
    from the TOML) has no source and is looked up by its Vietnamese text.  A text the catalog
    lacks shows in Vietnamese.
    """

    vi: str
    en: str
    source: str | None = field(default=None, compare=False)
    values: tuple[tuple[str, object], ...] = field(default=(), compare=False)
    context: str | None = field(default=None, compare=False)
    count: int | None = field(default=None, compare=False)

    def get(self, lang: str) -> str:
        if lang == "en":
            return self.en
        if lang == SOURCE_LANG or lang not in available_languages():
            return self.vi
        if self.count is not None:
            return trn(lang, self.source or self.vi, self.count, **dict(self.values))
        return tr(lang, self.source or self.vi, context=self.context, **dict(self.values))

    def both(self) -> str:
        return self.vi if self.vi == self.en else f"{self.vi} / {self.en}"


def _msgid(key: str) -> tuple[str | None, str]:
    entry = TEXTS[key]
    return (None, entry) if isinstance(entry, str) else entry


def text(key: str, lang: str = SOURCE_LANG, **values: object) -> str:
    if key == "switch_language":          # the button names the language it switches to
        return language_name(next_language(lang))
    context, message = _msgid(key)
    return tr(lang, message, context=context, **values)


def bilingual(key: str, **values: object) -> Bilingual:
    context, message = _msgid(key)
    return Bilingual(tr(SOURCE_LANG, message, context=context, **values), tr("en", message, context=context, **values),
                     source=message, values=tuple(values.items()), context=context)


def waiting(n: int) -> Bilingual:
    if n <= 0:
        return bilingual("waiting_none")
    return Bilingual(trn(SOURCE_LANG, WAITING, n), trn("en", WAITING, n), source=WAITING, count=n)


def wait_estimate(seconds: int | None, range_s: tuple[int, int] | None = None) -> Bilingual:
    """Rounded and never falsely precise: "10-15 phút" when the estimate is uncertain (``range_s``)."""
    if range_s is not None and range_s[1] < 90 * 60:
        return bilingual("minutes_range", low=round(range_s[0] / 60), high=round(range_s[1] / 60))
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
        return _with_spans(spans, EVERY_DAY)
    ordered = [d for d in WEEK if d in days]
    indexes = [WEEK.index(d) for d in ordered]
    if ordered and indexes == list(range(indexes[0], indexes[0] + len(indexes))) and len(ordered) > 2:
        vi, en = (f"{tr(lang, DAY_RANGE_VI[ordered[0]])}{dash}{tr(lang, DAY_RANGE_VI[ordered[-1]])}"
                  for lang, dash in ((SOURCE_LANG, " – "), ("en", "–")))
    else:
        vi, en = (", ".join(tr(lang, DAY_RANGE_VI[d]) for d in ordered) for lang in (SOURCE_LANG, "en"))
    return Bilingual(f"{spans} ({vi})", f"{spans} ({en})")


def _with_spans(spans: str, message: str) -> Bilingual:
    return Bilingual(f"{spans} ({message})", f"{spans} ({translations('en').gettext(message)})")
