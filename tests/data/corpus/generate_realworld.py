#!/usr/bin/env python3
"""Generate realworld.jsonl: "what cadres really paste into ChatGPT".

Long, messy, real-world shaped texts for the Vietnamese public-sector DLP engine: prompts that
wrap a pasted document, OCR'd scans with running headers and page numbers, text copied from PDF
with hard line breaks, Excel/CSV exports, meeting minutes, e-mail threads with quoted replies and
signatures, Zalo chat logs, long documents that must pass, source code and config, and stamps in
unusual positions (markdown table cells, quoted e-mail, footer, HTML, JSON/XML exports).

Written only from ../shared/domain/VIETNAM.md and ACTION_POLICY.md; the author did not read the
engine's rules or agent code.

    python3 generate_realworld.py            # writes realworld.jsonl next to this file
    python3 generate_realworld.py --check    # regenerate, compare with the file on disk, re-validate

Python 3 standard library only, fixed seed, deterministic. Every identifier is synthetic (check
digits computed here); names, provinces and organisations are invented; e-mail domains are example.*.
"""
import json
import os
import random
import re
import sys
import textwrap
import unicodedata

SEED = 20260320
R = random.Random(SEED)
REF_YEAR = 2026
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "realworld.jsonl")

TYPES = {
    "secret_marking", "secret_handling_mark", "circulation_mark", "urgency_mark",
    "party_doc_number", "state_doc_number", "cccd", "cmnd", "mst", "bhxh", "bhyt", "passport",
    "phone", "email", "bank_account", "credit_card", "iban", "vietqr", "license_plate",
    "sensitive_personal", "credential", "bulk_personal",
}
BLOCK_TYPES = {"secret_marking", "secret_handling_mark", "cccd", "cmnd", "bhxh", "bhyt",
               "passport", "bank_account", "credit_card", "iban", "vietqr",
               "sensitive_personal", "credential", "bulk_personal"}
WARN_TYPES = {"phone", "email", "license_plate", "circulation_mark", "urgency_mark",
              "party_doc_number"}
CONTEXT_TYPES = {"state_doc_number"}
# "mst" is block for a named individual's personal tax code, warn for a business: see PERSONAL_MST.

PROVINCES = ("001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 "
             "033 034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 "
             "064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 "
             "094 095 096").split()
assert len(PROVINCES) == 63

# 0 + 3[2-9] / 5[25689] / 7[06-9] / 8[1-9] / 9x + 7 digits
MOBILE_OK = set(["3%d" % i for i in range(2, 10)] + ["52", "55", "56", "58", "59"] +
                ["70", "76", "77", "78", "79"] + ["8%d" % i for i in range(1, 10)] +
                ["9%d" % i for i in range(10)])
MOBILE_GEN = sorted(MOBILE_OK - {"95", "80"})


# =========================================================================== validators

def only_digits(s):
    s = unicodedata.normalize("NFKC", s)
    return "".join(c for c in s if c.isdigit())


def cccd_ok(d):
    if len(d) != 12 or not d.isdigit() or d[:3] not in PROVINCES:
        return False
    cs, yy = int(d[3]), int(d[4:6])
    year = 1900 + 100 * (cs // 2) + yy
    return year <= REF_YEAR and REF_YEAR - year <= 120


MST_W = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def mst_check(d9):
    c = 10 - sum(w * int(x) for w, x in zip(MST_W, d9)) % 11
    return None if c >= 10 else str(c)


def mst_ok(s):
    d = re.sub(r"[ .]", "", s)
    if not re.fullmatch(r"\d{10}(-\d{3})?", d) or d[:2] == "00":
        return False
    if len(d) > 10 and d[11:] == "000":
        return False
    return mst_check(d[:9]) == d[9]


def luhn_ok(d):
    if not d.isdigit() or not 13 <= len(d) <= 19:
        return False
    tot = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        tot += n
    return tot % 10 == 0


def iban_ok(s):
    s = s.replace(" ", "")
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    r = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in r)) % 97 == 1


def crc16(data):
    crc = 0xFFFF
    for b in data.encode("utf-8"):
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def vietqr_ok(p):
    return (len(p) > 8 and p[-8:-4] == "6304" and "A000000727" in p
            and "%04X" % crc16(p[:-4]) == p[-4:])


def mobile_ok(d):
    if d.startswith("84") and len(d) == 11:
        d = "0" + d[2:]
    return len(d) == 10 and d[0] == "0" and d[1:3] in MOBILE_OK


def fold(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D")


# =========================================================================== makers

def rdig(n):
    return "".join(R.choice("0123456789") for _ in range(n))


def looks_like_identifier(d):
    """True if a digit string could be read as a mobile, CCCD, card or MST by accident."""
    return mobile_ok(d) or cccd_ok(d) or luhn_ok(d) or (len(d) == 10 and mst_ok(d))


def make_cccd(year=None, female=None, prov=None):
    year = year if year is not None else R.randint(1958, 2005)
    female = R.random() < 0.5 if female is None else female
    prov = prov or R.choice(PROVINCES)
    cs = (0 if year < 2000 else 2) + (1 if female else 0)
    while True:
        s = "%s%d%02d%s" % (prov, cs, year % 100, rdig(6))
        if cccd_ok(s) and not luhn_ok(s):
            return s


def bad_cccd():
    """12 digits whose province code is not in the table (or an impossible birth year)."""
    while True:
        s = rdig(12)
        if s[:3] not in PROVINCES and not looks_like_identifier(s):
            return s


def make_mst(prefix="0"):
    while True:
        d9 = prefix + rdig(9 - len(prefix))
        if d9[:2] == "00":
            continue
        c = mst_check(d9)
        if c is None:
            continue
        s = d9 + c
        if not mobile_ok(s):
            return s


def make_card(prefix, length=16):
    while True:
        body = prefix + rdig(length - len(prefix) - 1)
        for c in "0123456789":
            if luhn_ok(body + c):
                return body + c


def bad_card(prefix, length=16):
    s = make_card(prefix, length)
    return s[:-1] + str((int(s[-1]) + 3) % 10)


def group(s, n=4, sep=" "):
    return sep.join(s[i:i + n] for i in range(0, len(s), n))


def make_iban(cc, bban):
    r = bban + cc + "00"
    chk = 98 - int("".join(str(int(c, 36)) for c in r)) % 97
    return "%s%02d%s" % (cc, chk, bban)


def tlv(tag, val):
    return "%s%02d%s" % (tag, len(val), val)


def make_vietqr(bin_, acct, amount=None, info=None):
    mai = tlv("00", "A000000727") + tlv("01", tlv("00", bin_) + tlv("01", acct)) + tlv("02", "QRIBFTTA")
    p = tlv("00", "01") + tlv("01", "12" if amount else "11") + tlv("38", mai) + tlv("53", "704")
    if amount:
        p += tlv("54", amount)
    p += tlv("58", "VN")
    if info:
        p += tlv("62", tlv("08", info))
    p += "6304"
    return p + "%04X" % crc16(p)


def make_mobile():
    while True:
        d = "0" + R.choice(MOBILE_GEN) + rdig(7)
        if not luhn_ok(d) and not mst_ok(d):
            return d


def fmt_phone(d, style):
    if style == 0:
        return d
    if style == 1:
        return "%s %s %s" % (d[:4], d[4:7], d[7:])
    if style == 2:
        return "%s.%s.%s" % (d[:4], d[4:7], d[7:])
    if style == 3:
        return "+84 %s %s %s" % (d[1:4], d[4:7], d[7:])
    if style == 4:
        return "+84" + d[1:]
    if style == 5:
        return "%s %s %s" % (d[:3], d[3:6], d[6:])
    raise ValueError(style)


def phone(style=None):
    d = make_mobile()
    return fmt_phone(d, R.randrange(6) if style is None else style)


def safe_digits(n, first=None):
    while True:
        s = (first or "") + rdig(n - len(first or ""))
        if s[0] == "0" and first is None:
            continue
        if not looks_like_identifier(s) and not any(looks_like_identifier(s[i:j])
                                                    for i in range(len(s))
                                                    for j in range(i + 9, len(s) + 1)):
            return s


def bank_account(n=None, first=None):
    return safe_digits(n or R.choice([10, 12, 13, 14]), first)


def make_bhxh():
    return safe_digits(10, R.choice(["01", "22", "31", "48", "79", "92", "27", "40"]))


def make_bhyt(group_code=None):
    while True:
        b = make_bhxh()
        s = (group_code or R.choice(["DN", "HC", "GD", "HT", "CH"])) + R.choice("12345") + b[:2] + b
        if not looks_like_identifier(only_digits(s)):
            return s


def make_cmnd():
    return safe_digits(9, R.choice(["0", "1", "2", "3"]) + str(R.randint(1, 9)))


def make_passport():
    return R.choice("BCN") + safe_digits(7, str(R.randint(1, 9)))


def make_plate(moto=False):
    area = R.choice(["29", "30", "51", "43", "36", "88", "65", "75", "18", "98"])
    if moto:
        return "%s-%s%d %s.%s" % (area, R.choice("BDFGHKLMNPSTUVXY"), R.randint(1, 9), rdig(3), rdig(2))
    return "%s%s-%s.%s" % (area, R.choice("ABCDEFGHKL"), rdig(3), rdig(2))


def token(n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"):
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        if not re.search(r"\d{5}", s):
            return s


# =========================================================================== people

SURN = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
        "Dương", "Lý", "Đinh", "Mai", "Trịnh", "Lương", "Tạ", "Cao", "Kiều", "Đàm", "Quách",
        "Thái", "Lục", "Hà", "Triệu", "Khổng", "Doãn", "Tô"]
MID_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Tiến", "Xuân", "Ngọc", "Trọng"]
MID_F = ["Thị", "Thu", "Ngọc", "Thanh", "Kim", "Phương", "Hồng", "Diệu", "Bích", "Mỹ"]
GIV_M = ["Hùng", "Dũng", "Tuấn", "Khoa", "Lâm", "Phúc", "Thắng", "Quân", "Hiếu", "Sơn", "Trọng",
         "Nghĩa", "Bảo", "Toàn", "Việt", "Khải", "Đạt", "Hoà", "Thành", "Tùng", "Vinh", "Long",
         "Nhân", "Cường", "Kiên"]
GIV_F = ["Lan", "Hạnh", "Thảo", "Ngân", "Yến", "Trang", "Hương", "Nhung", "Loan", "Diệp", "Vân",
         "Huyền", "Quyên", "Mai", "Giang", "Oanh", "Hằng", "Linh", "Thuý", "Liên", "Nga", "Phượng"]
_USED_NAMES = set()


class P(object):
    def __init__(self, female=None):
        self.female = R.random() < 0.5 if female is None else female
        while True:
            s = R.choice(SURN)
            m = R.choice(MID_F if self.female else MID_M)
            g = R.choice(GIV_F if self.female else GIV_M)
            full = "%s %s %s" % (s, m, g)
            if full not in _USED_NAMES:
                _USED_NAMES.add(full)
                break
        self.sur, self.mid, self.given, self.name = s, m, g, full
        self.title = "bà" if self.female else "ông"
        self.ht = "chị" if self.female else "anh"
        f = fold(full).lower().split()
        self.ascii = f

    def email(self, domain=None, style=None):
        domain = domain or R.choice(["example.vn", "example.gov.vn", "example.com", "example.org",
                                     "mail.example.vn", "example.net"])
        f = self.ascii
        style = R.randrange(4) if style is None else style
        if style == 0:
            local = "%s.%s" % (f[2], "".join(x[0] for x in f[:2]))
        elif style == 1:
            local = "%s%s" % (f[2], "".join(x[0] for x in f[:2]))
        elif style == 2:
            local = "%s.%s.%s" % (f[0], f[1], f[2])
        else:
            local = "%s%s%d" % (f[2], f[0], R.randint(70, 99))
        return "%s@%s" % (local, domain)


def cccd_year(c):
    return 1900 + 100 * (int(c[3]) // 2) + int(c[4:6])


def dob(year=None):
    return "%02d/%02d/%d" % (R.randint(1, 28), R.randint(1, 12), year or R.randint(1960, 2003))


def vdate(d=None, m=None, y=2025):
    return "ngày %02d tháng %d năm %d" % (d or R.randint(1, 28), m or R.randint(1, 12), y)


# =========================================================================== item registry

ITEMS = []
PERSONAL_MST = set()


def add(family, text, expect, labels, note):
    ITEMS.append({"family": family, "text": text, "expect": expect,
                  "labels": [{"type": t, "value": v} for t, v in labels], "note": note})


def hardwrap(text, width):
    out = []
    for para in text.split("\n"):
        if not para.strip():
            out.append("")
            continue
        out.extend(textwrap.wrap(para, width=width, break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)


def ocr_noise(text, rate=0.06):
    """OCR-like noise on body text: doubled spaces, space before punctuation, stray marks."""
    out = []
    for line in text.split("\n"):
        words = line.split(" ")
        nw = []
        for w in words:
            x = R.random()
            if x < rate:
                nw.append(w + " ")          # doubled space
            elif x < rate * 1.5 and w.endswith(","):
                nw.append(w[:-1] + " ,")
            elif x < rate * 1.8 and w.endswith("."):
                nw.append(w[:-1] + " .")
            else:
                nw.append(w)
        line = " ".join(nw)
        if R.random() < rate:
            line = line + " '"
        out.append(line)
    return "\n".join(out)


# =========================================================================== document parts

MOTTO1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO2 = "Độc lập - Tự do - Hạnh phúc"


def shead(l1, l2, num, place, date, layout="tab", after=()):
    """State document header (Decree 30 layout flattened to text); `after` = lines of box 10a/10b."""
    if layout == "tab":
        h = "%s\t%s\n%s\t%s\nSố: %s\t%s, %s\n" % (l1, MOTTO1, l2, MOTTO2, num, place, date)
    elif layout == "space":
        h = ("%-34s%s\n%-34s    %s\n%-34s    ---------------\nSố: %-29s%s, %s\n"
             % (l1, MOTTO1, l2, MOTTO2, "   -------", num, place, date))
    elif layout == "stack":
        h = "%s\n%s\nSố: %s\n%s\n%s\n%s, %s\n" % (l1, l2, num, MOTTO1, MOTTO2, place, date)
    elif layout == "motto":
        h = "%s\n%s\n%s\n%s\nSố: %s\n%s, %s\n" % (MOTTO1, MOTTO2, l1, l2, num, place, date)
    else:
        raise ValueError(layout)
    for a in after:
        h += a + "\n"
    return h


def phead(l1, l2, num, place, date, after=()):
    h = "%s\t\tĐẢNG CỘNG SẢN VIỆT NAM\n%s\n*\nSố %s\t\t%s, %s\n" % (l1, l2, num, place, date)
    for a in after:
        h += a + "\n"
    return h


B = {}
B["anninh"] = """BÁO CÁO
Tình hình an ninh chính trị, trật tự an toàn xã hội 6 tháng đầu năm 2025

I. TÌNH HÌNH CHUNG
Trong 6 tháng đầu năm, tình hình an ninh chính trị trên địa bàn cơ bản ổn định; tuy nhiên tiềm ẩn một số yếu tố phức tạp tại khu vực giáp ranh và trong các dự án thu hồi đất. Các đối tượng lợi dụng mạng xã hội đăng tải, chia sẻ thông tin sai sự thật về công tác nhân sự Đại hội, tập trung vào 03 tài khoản Facebook có lượng theo dõi lớn.
II. KẾT QUẢ CÔNG TÁC
1. Nắm tình hình tại 14 xã, thị trấn; xác lập 02 chuyên án, đấu tranh làm rõ 07 đối tượng có hành vi thu thập trái phép tài liệu nội bộ.
2. Phối hợp với Viettel tỉnh rà soát 312 máy tính của các cơ quan, phát hiện 11 máy có kết nối Internet nhưng vẫn soạn thảo, lưu giữ văn bản thuộc danh mục bí mật nhà nước.
3. Xử lý vi phạm hành chính 04 trường hợp đăng tải thông tin xuyên tạc; yêu cầu gỡ bỏ 27 bài viết.
III. DỰ BÁO VÀ KIẾN NGHỊ
Dự báo thời gian tới, các hoạt động chống phá sẽ gia tăng trước thềm Đại hội. Đề nghị Ban Thường vụ chỉ đạo các cơ quan rà soát, kiểm tra thiết bị, không sử dụng máy tính kết nối Internet để soạn thảo tài liệu mật; kiên quyết xử lý cá nhân vi phạm."""

B["nhansu"] = """TỜ TRÌNH
Về phương án nhân sự Ban Chấp hành nhiệm kỳ 2025 - 2030

Căn cứ kết quả giới thiệu nhân sự ở các bước theo quy trình, Ban Tổ chức trình Ban Thường vụ xem xét phương án nhân sự như sau:
1. Số lượng Ban Chấp hành: 47 đồng chí (tái cử 29, tham gia lần đầu 18); tỷ lệ cán bộ nữ 17%, cán bộ trẻ dưới 42 tuổi 12,7%.
2. Nhân sự dự kiến giới thiệu giữ chức danh Phó Bí thư phụ trách khối chính quyền: đồng chí Trưởng ban Kinh tế - Ngân sách HĐND (phương án 1) hoặc đồng chí Phó Chủ tịch Thường trực UBND (phương án 2).
3. 02 đồng chí thuộc diện quy hoạch nhưng có đơn thư phản ánh về kê khai tài sản, đề nghị Ủy ban Kiểm tra xác minh trước ngày 15/7.
Kính trình Ban Thường vụ xem xét, cho ý kiến."""

B["daihoi"] = """KẾ HOẠCH
Bảo vệ an ninh, an toàn Đại hội đại biểu lần thứ XVIII

I. MỤC ĐÍCH, YÊU CẦU
Bảo đảm tuyệt đối an ninh, an toàn cho các hoạt động của Đại hội; phát hiện, ngăn chặn kịp thời mọi âm mưu, hoạt động gây rối.
II. PHƯƠNG ÁN BỐ TRÍ LỰC LƯỢNG
1. Vòng 1 (trong hội trường): 24 cán bộ cảnh vệ, 06 cán bộ kỹ thuật nghiệp vụ kiểm tra thiết bị thu phát sóng.
2. Vòng 2 (khuôn viên Trung tâm Hội nghị): 02 tổ tuần tra cơ động, 01 tổ phòng cháy chữa cháy thường trực 24/24.
3. Vòng 3 (các tuyến đường dẫn vào): phân luồng từ 6h00 đến 18h00 trong 03 ngày Đại hội; bố trí 04 chốt cố định.
III. PHƯƠNG ÁN XỬ LÝ TÌNH HUỐNG
Khi có tụ tập đông người, lực lượng vòng 3 chủ động vận động giải tán; trường hợp phức tạp báo cáo ngay Ban Chỉ đạo qua kênh thông tin chuyên dùng, không sử dụng điện thoại di động thông thường."""

B["biengioi"] = """PHƯƠNG ÁN
Tuần tra, kiểm soát đường mòn, lối mở khu vực biên giới dịp cao điểm cuối năm

1. Địa bàn: 09 lối mở thuộc các xã Pà Lùng, Nậm Khao, Sín Chải; trọng điểm là khu vực mốc 146 đến mốc 151.
2. Thời gian: từ 15/12/2025 đến 15/02/2026, tuần tra 3 ca/ngày; ca đêm từ 22h00 đến 04h00.
3. Lực lượng: Đồn Biên phòng phối hợp Công an xã và dân quân, mỗi tổ 05 - 07 người, có chó nghiệp vụ.
4. Thông tin liên lạc: sử dụng máy thông tin chuyên dùng theo bảng tần số được cấp; nghiêm cấm trao đổi nội dung phương án qua mạng xã hội."""

B["suco"] = """BÁO CÁO NHANH
Sự cố mất an toàn thông tin tại Trung tâm Phục vụ hành chính công

Vào lúc 07h40 ngày 03/10/2025, bộ phận kỹ thuật phát hiện 02 máy trạm tại quầy tiếp nhận hồ sơ bị mã độc tống tiền mã hóa dữ liệu. Nguyên nhân ban đầu: cán bộ mở tệp đính kèm giả mạo thông báo của cơ quan thuế. Dữ liệu bị ảnh hưởng gồm khoảng 1.200 hồ sơ đã số hóa, trong đó có bản chụp giấy tờ tùy thân của công dân.
Biện pháp đã thực hiện: cô lập 02 máy; khôi phục từ bản sao lưu ngày 01/10; báo cáo Trung tâm Giám sát an toàn không gian mạng quốc gia; đề nghị Công an tỉnh phối hợp truy vết.
Kiến nghị: rà soát toàn bộ quyền truy cập thư mục dùng chung; tạm dừng sử dụng USB tại quầy."""

B["cds"] = """Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, năm 2025 tỉnh đã đạt được một số kết quả nổi bật:
- Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình đạt 68,4%, tăng 21,3 điểm phần trăm so với năm 2024.
- 100% cơ quan nhà nước cấp tỉnh, cấp xã sử dụng hệ thống quản lý văn bản và điều hành; văn bản điện tử có ký số chiếm 97%.
- Triển khai trợ lý ảo hỗ trợ cán bộ tra cứu văn bản quy phạm pháp luật tại 42 đơn vị.
Tuy nhiên, hạ tầng mạng tại một số xã vùng cao còn chập chờn; kỹ năng số của một bộ phận cán bộ còn hạn chế; việc khai thác dữ liệu dùng chung giữa các ngành chưa đồng bộ."""

B["dat"] = """Thực hiện Dự án mở rộng Quốc lộ 37 đoạn qua địa bàn, tổng diện tích đất thu hồi là 18,62 ha, ảnh hưởng đến 214 hộ gia đình, cá nhân và 03 tổ chức. Đến nay đã chi trả tiền bồi thường, hỗ trợ cho 187 hộ với tổng số tiền 96,4 tỷ đồng; còn 27 hộ chưa nhận tiền do chưa thống nhất về đơn giá cây trồng, vật kiến trúc.
UBND huyện đã tổ chức 05 buổi đối thoại với các hộ dân; giao Trung tâm Phát triển quỹ đất phối hợp UBND xã rà soát lại hồ sơ, hoàn thành phương án điều chỉnh trước ngày 30/11/2025."""

B["tiemchung"] = """Để chủ động phòng, chống dịch sởi và các bệnh truyền nhiễm có vắc xin phòng ngừa, UBND xã đề nghị các thôn, tổ dân phố:
1. Rà soát, lập danh sách trẻ từ 1 đến 10 tuổi chưa tiêm đủ 2 mũi vắc xin sởi, gửi Trạm Y tế trước ngày 15/4.
2. Thông báo lịch tiêm trên loa truyền thanh vào 6h30 và 17h00 hằng ngày trong tuần tiêm chủng.
3. Phối hợp với nhà trường vận động phụ huynh đưa trẻ đi tiêm đúng lịch; trường hợp trẻ đang sốt, ốm thì hoãn tiêm và hẹn lại.
Trạm Y tế xã bố trí 02 điểm tiêm tại Nhà văn hóa thôn Đông và Trường Mầm non Hoa Sen, từ 7h30 đến 11h00 các ngày thứ Ba, thứ Năm."""

B["thientai"] = """Theo bản tin của Trung tâm Dự báo khí tượng thủy văn quốc gia, bão số 6 đang di chuyển theo hướng Tây Tây Bắc, dự kiến đổ bộ vào khu vực từ chiều tối ngày 27/10, gió mạnh cấp 10 - 11, giật cấp 13; mưa lớn diện rộng 200 - 350 mm.
Ban Chỉ huy đề nghị các xã, thị trấn:
1. Kêu gọi toàn bộ tàu thuyền vào nơi trú ẩn an toàn trước 17h00 ngày 26/10; kiên quyết không để người ở lại trên lồng bè, chòi canh.
2. Tổ chức sơ tán 1.640 hộ dân tại vùng trũng thấp, ven sông, khu vực có nguy cơ sạt lở theo phương án đã duyệt.
3. Bố trí lực lượng, phương tiện ứng trực 24/24; báo cáo tình hình về Văn phòng thường trực trước 16h00 hằng ngày."""

B["taphuan"] = """TÀI LIỆU TẬP HUẤN
Ứng dụng trí tuệ nhân tạo trong soạn thảo văn bản hành chính

Phần 1. Những việc nên làm
- Dùng AI để gợi ý bố cục, rà soát chính tả, tóm tắt văn bản công khai.
- Luôn kiểm tra lại số liệu, trích dẫn pháp lý trước khi sử dụng kết quả.
Phần 2. Những việc không được làm
- Không nhập văn bản có đóng dấu độ mật, tài liệu chuẩn bị nhân sự, hồ sơ đảng viên vào nền tảng AI công cộng.
- Không nhập dữ liệu cá nhân của công dân: số định danh, số điện thoại, tài khoản ngân hàng, thông tin sức khỏe.
Phần 3. Thực hành
Học viên dùng văn bản mẫu đã được xóa thông tin để thực hành tóm tắt và viết lại."""

B["moitruong"] = """Hưởng ứng phong trào "Chống rác thải nhựa", UBND phường phát động đợt tổng vệ sinh môi trường từ ngày 05/6 đến 12/6/2025. Nội dung: thu gom rác thải tại các tuyến phố, kênh mương; phát quang bụi rậm; vận động hộ kinh doanh không sử dụng túi ni lông khó phân hủy.
Mỗi tổ dân phố thành lập 01 tổ xung kích từ 10 đến 15 người; Đoàn Thanh niên phụ trách tuyến kênh Đông; Hội Phụ nữ phụ trách khu chợ Trung tâm. Kết quả gửi về UBND phường (qua Văn phòng) trước 16h00 ngày 13/6 để tổng hợp, khen thưởng."""

B["kiemtra"] = """BÁO CÁO
Kết quả kiểm tra việc thực hiện nhiệm vụ đảng viên năm 2025

Thực hiện Chương trình kiểm tra, giám sát, Chi bộ đã tiến hành kiểm tra 05 đảng viên về việc chấp hành Điều lệ Đảng, nghị quyết của chi bộ và giữ gìn phẩm chất đạo đức, lối sống.
Kết quả: 04 đồng chí thực hiện tốt; 01 đồng chí còn hạn chế trong việc sinh hoạt tại nơi cư trú, đã được chi bộ nhắc nhở, yêu cầu khắc phục.
Chi bộ đề nghị Đảng ủy cơ sở tiếp tục hướng dẫn nội dung sinh hoạt chuyên đề năm 2026; đổi mới cách thức đánh giá, xếp loại chất lượng đảng viên cuối năm."""

B["diaban"] = """1. Tình hình chung: trên địa bàn xã có 4.812 hộ, 17.306 nhân khẩu; 23 cơ sở tôn giáo; 02 điểm nhóm sinh hoạt chưa đăng ký hoạt động.
2. Một số vụ việc nổi lên: tranh chấp đất rẫy giữa 2 dòng họ tại thôn 4 chưa được giải quyết dứt điểm; 01 nhóm thanh niên từ nơi khác đến tuyên truyền, lôi kéo tham gia tổ chức bất hợp pháp.
3. Đề xuất: tăng cường nắm tình hình tại thôn 4 và thôn 7; phân công 02 cán bộ theo dõi, bám sát số đối tượng cầm đầu; xây dựng phương án xử lý nếu xảy ra tụ tập đông người."""


NOINHAN = "Nơi nhận:\n- Như trên;\n- Lưu: VT, %s."


# =========================================================================== family: wrap
# A prompt typed by the cadre, then a pasted document (prompt before or after the document).

def fam_wrap():
    F = "wrap"
    # ---------------------------------------------------------------- block
    p = P()
    num = "218/BC-ANCTNB"
    t = ("Tóm tắt giúp tôi văn bản sau thành 5 gạch đầu dòng, giọng văn báo cáo lãnh đạo, không quá 200 chữ:\n\n"
         + shead("CÔNG AN TỈNH LAM GIANG", "PHÒNG AN NINH CHÍNH TRỊ NỘI BỘ", num, "Lam Giang",
                 vdate(8, 7), "tab", after=["TỐI MẬT", ""])
         + B["anninh"] + "\n\n" + NOINHAN % "PA03" + "\n\nTRƯỞNG PHÒNG\n(đã ký)\n\nĐại tá " + p.name)
    add(F, t, "block", [("secret_marking", "TỐI MẬT"), ("state_doc_number", num)],
        "summarise-prompt wrapping a police report; TỐI MẬT alone on its line in box 10a (tab layout)")

    num = "214-TTr/BTCTU"
    t = ("Viết lại cho trang trọng hơn, giữ nguyên số liệu và tên chức danh:\n\"\"\"\n"
         + phead("ĐẢNG BỘ TỈNH NGỌC SƠN", "BAN TỔ CHỨC TỈNH ỦY", num, "Ngọc Sơn", vdate(2, 6),
                 after=["                 MẬT", ""])
         + B["nhansu"] + "\n\nK/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN\n\n" + P().name + "\n\"\"\"")
    add(F, t, "block", [("secret_marking", "MẬT"), ("party_doc_number", num)],
        "rewrite-prompt with a Party personnel submission in triple quotes; indented MẬT under the number")

    num = "27/PA-BTM"
    t = ("Translate into English, keep the headings and numbering. This is for the Lao delegation briefing:\n\n"
         "TUYỆT MẬT\n\n"
         + shead("BỘ CHỈ HUY QUÂN SỰ TỈNH KIM HÀ", "BAN THAM MƯU", num, "Kim Hà", vdate(1, 12), "space")
         + "\n" + B["biengioi"] + "\n\nCHỈ HUY TRƯỞNG\n(đã ký)")
    add(F, t, "block", [("secret_marking", "TUYỆT MẬT"), ("state_doc_number", num)],
        "English translation prompt; stamp at the very top of the pasted page, above the header")

    t = ("tổ chức quán triệt đến từng cán bộ, chiến sĩ trước ngày 20/9/2025.\n\n- 2 -\nMẬT\n\n"
         + B["daihoi"].split("II. ", 1)[1].join(["II. ", ""])
         + "\n\n- 3 -\n\n----\nanh ơi tóm tắt giúp em phần phương án bố trí lực lượng thành bảng 3 cột nhé,"
           " chiều 3h em phải báo cáo anh Thắng rồi. thanks a")
    add(F, t, "block", [("secret_marking", "MẬT")],
        "prompt after the text; text copied from page 2 of a plan: page number then the page-header stamp MẬT")

    p = P()
    cc = make_cccd(year=R.randint(1960, 1975), female=p.female)
    ph = phone(1)
    t = ("Tóm tắt giúp tôi đơn này, nêu rõ công dân yêu cầu gì và căn cứ pháp lý họ viện dẫn:\n\n"
         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nĐƠN KHIẾU NẠI\n"
         "(V/v Quyết định thu hồi đất số 1125/QĐ-UBND ngày 14/8/2025)\n\n"
         "Kính gửi: Chủ tịch UBND huyện Sơn Kỳ\n\n"
         "Tôi tên là: %s, sinh ngày %s\nSố CCCD: %s, cấp ngày 10/05/2021 tại Cục Cảnh sát QLHC về TTXH\n"
         "Nơi cư trú: thôn Đồng Mới, xã Tân Phước, huyện Sơn Kỳ, tỉnh Lam Giang\nĐiện thoại liên hệ: %s\n\n"
         "Tôi là người sử dụng đất hợp pháp thửa đất số 217, tờ bản đồ số 09, diện tích 1.250 m2 (đất trồng cây lâu năm), "
         "đã được cấp Giấy chứng nhận năm 2004. Ngày 14/8/2025, UBND huyện ban hành quyết định thu hồi toàn bộ thửa đất "
         "để thực hiện dự án khu dân cư mới nhưng đơn giá bồi thường chỉ bằng khoảng 40%% giá thị trường, không tính "
         "khoản hỗ trợ chuyển đổi nghề nghiệp cho gia đình tôi.\n"
         "Căn cứ Luật Đất đai năm 2024 và Luật Khiếu nại năm 2011, tôi đề nghị: (1) hủy phần đơn giá bồi thường tại "
         "quyết định nêu trên; (2) tổ chức định giá lại; (3) bổ sung khoản hỗ trợ ổn định đời sống.\n"
         "Tôi xin cam đoan nội dung trình bày là đúng sự thật.\n\nNgười làm đơn\n(ký, ghi rõ họ tên)\n%s"
         % (p.name, dob(cccd_year(cc)), cc, ph, p.name))
    add(F, t, "block", [("cccd", cc), ("phone", ph)],
        "citizen complaint pasted for a summary: CCCD + mobile of the complainant")

    rows = []
    labs = []
    for i in range(4):
        s = P()
        y = R.choice([2008, 2009, 2010])
        c = make_cccd(year=y, female=s.female)
        labs.append(("cccd", c))
        rows.append("%d. %s - sinh năm %d - Số định danh: %s - lớp %s - Trường THPT Phước Lộc"
                    % (i + 1, s.name, y, c, R.choice(["10A1", "10A3", "11A2", "11B", "12A5"])))
    t = ("Viết lại quyết định này cho đúng thể thức Nghị định 30, giữ nguyên danh sách:\n\n"
         "UBND HUYỆN PHƯỚC LỘC\nSố:       /QĐ-UBND  (dự thảo lần 2)\n\nQUYẾT ĐỊNH\nVề việc cấp học bổng Khuyến học năm học 2025 - 2026\n\n"
         "CHỦ TỊCH UBND HUYỆN PHƯỚC LỘC\ncăn cứ Luật tổ chức chính quyền địa phương ... ; xét đề nghị của phòng GD-ĐT\n\n"
         "QUYẾT ĐỊNH:\nĐiều 1. Cấp học bổng cho 04 học sinh có hoàn cảnh đặc biệt khó khăn, mỗi em 3.000.000 đồng, gồm:\n"
         + "\n".join(rows)
         + "\nĐiều 2. Kinh phí chi từ Quỹ Khuyến học huyện.\nĐiều 3. Chánh Văn phòng, Trưởng phòng GD-ĐT và các học sinh có tên tại Điều 1 chịu trách nhiệm thi hành.")
    add(F, t, "block", labs, "draft decision (number left blank) with 4 pupils' CCCD numbers")

    p = P()
    acct = bank_account(13, "1")
    t = ("Soạn giúp tôi email gửi phòng Kế toán - Tài vụ kèm nội dung giấy đề nghị này, lời lẽ lịch sự:\n\n"
         "GIẤY ĐỀ NGHỊ THANH TOÁN\n\nKính gửi: Phòng Kế toán - Tài vụ\n"
         "Họ và tên người đề nghị: %s\nBộ phận: Phòng Văn hóa - Thông tin\n"
         "Nội dung thanh toán: công tác phí đi tập huấn nghiệp vụ tại Hà Nội từ ngày 12/5 đến 16/5/2025\n"
         "Số tiền: 4.860.000 đồng (Bốn triệu tám trăm sáu mươi nghìn đồng chẵn)\n"
         "Kèm theo: 01 giấy đi đường, 03 hóa đơn khách sạn, 02 vé tàu\n"
         "Hình thức thanh toán: chuyển khoản\nSố tài khoản: %s\nNgân hàng: Vietcombank - Chi nhánh Lam Giang\n"
         "Chủ tài khoản: %s\n\nNgười đề nghị            Kế toán trưởng            Thủ trưởng đơn vị"
         % (p.name, acct, fold(p.name).upper()))
    add(F, t, "block", [("bank_account", acct)], "payment request with a personal account number (bank + STK context)")

    p = P(female=True)
    diag = "ung thư phổi giai đoạn IIA"
    t = ("Tóm tắt ngắn gọn đơn xin nghỉ này để em trình lãnh đạo, bỏ bớt phần kể lể:\n\n"
         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nĐƠN XIN NGHỈ ỐM DÀI NGÀY\n\n"
         "Kính gửi: - Ban Giám đốc Sở Tư pháp;\n           - Phòng Tổ chức - Hành chính.\n\n"
         "Tôi tên là %s, chuyên viên Phòng Bổ trợ tư pháp.\n"
         "Ngày 02/10/2025, tôi được Bệnh viện Ung bướu tỉnh chẩn đoán %s, bác sĩ chỉ định phẫu thuật cắt thùy phổi "
         "và hóa trị bổ trợ 4 chu kỳ. Trong thời gian điều trị tôi không thể đảm bảo công việc chuyên môn.\n"
         "Vậy tôi làm đơn này kính đề nghị Ban Giám đốc cho tôi được nghỉ ốm từ ngày 06/10/2025 đến hết ngày 31/01/2026; "
         "công việc đang theo dõi tôi đã bàn giao cho đồng chí phó phòng.\n"
         "Kèm theo: giấy ra viện, tóm tắt bệnh án.\n\nNgười làm đơn\n%s" % (p.name, diag, p.name))
    add(F, t, "block", [("sensitive_personal", diag)], "sick-leave request: named cadre's cancer diagnosis (health data)")

    p = P(female=False)
    rec = "01 án tích về tội \"Đánh bạc\""
    t = ("Kiểm tra lỗi chính tả, ngữ pháp giúp mình, chỉ sửa lỗi không sửa nội dung:\n\n"
         "BÁO CÁO KẾT QUẢ XÁC MINH\nLý lịch người dự tuyển công chức năm 2025\n\n"
         "Thực hiện Kế hoạch tuyển dụng, Hội đồng đã xác minh lý lịch 12 người trúng tuyển vòng 2. Kết quả: 11 người "
         "không có tiền án, tiền sự. Riêng ông %s, sinh năm 1988, dự tuyển vị trí chuyên viên địa chính, qua tra cứu "
         "Phiếu lý lịch tư pháp số 2 thì có %s theo bản án sơ thẩm năm 2014 của TAND huyện Phước Lộc, "
         "đã chấp hành xong hình phạt và được xóa án tích năm 2019.\n"
         "Hội đồng đề nghị xin ý kiến Sở Nội vụ trước khi ra quyết định công nhận kết quả." % (p.name, rec))
    add(F, t, "block", [("sensitive_personal", rec)], "proof-reading request; criminal record of a named applicant")

    num = "412/SNgV-LS"
    labs = [("state_doc_number", num)]
    rows = []
    for i, role in enumerate(["Phó Chủ tịch UBND tỉnh, Trưởng đoàn", "Giám đốc Sở Công Thương",
                              "Chuyên viên Sở Ngoại vụ, phiên dịch"]):
        s = P()
        pp = make_passport()
        labs.append(("passport", pp))
        rows.append("%d. %s %s, %s, sinh ngày %s, hộ chiếu %s số %s"
                    % (i + 1, "Bà" if s.female else "Ông", s.name, role, dob(R.randint(1968, 1992)),
                       "công vụ" if i < 2 else "phổ thông", pp))
    t = ("Dịch sang tiếng Anh công văn đề nghị cấp thị thực sau, văn phong ngoại giao:\n\n"
         + shead("UBND TỈNH KIM HÀ", "SỞ NGOẠI VỤ", num, "Kim Hà", vdate(3, 9), "stack")
         + "V/v đề nghị cấp thị thực cho đoàn công tác\n\nKính gửi: Đại sứ quán Cộng hòa Liên bang Đức tại Hà Nội\n\n"
         "Sở Ngoại vụ tỉnh Kim Hà gửi lời chào trân trọng tới Quý Đại sứ quán và đề nghị Quý Đại sứ quán xem xét cấp "
         "thị thực nhập cảnh cho đoàn công tác tỉnh Kim Hà sang làm việc tại bang Sachsen từ ngày 20/10 đến 27/10/2025, gồm:\n"
         + "\n".join(rows) + "\nSở Ngoại vụ xin cảm ơn sự hợp tác của Quý Đại sứ quán.")
    add(F, t, "block", labs, "visa letter for translation: three passport numbers with passport context")

    num = "09/BC-CAX"
    t = ("Tóm tắt giúp:\n\nTÀI LIỆU THU HỒI\n"
         + shead("CÔNG AN HUYỆN SƠN KỲ", "CÔNG AN XÃ TÂN PHƯỚC", num, "Tân Phước", vdate(11, 4), "tab",
                 after=["MẬT"])
         + "\nBÁO CÁO\nTình hình an ninh nông thôn, tôn giáo quý I/2025\n\n" + B["diaban"])
    add(F, t, "block", [("secret_handling_mark", "TÀI LIỆU THU HỒI"), ("secret_marking", "MẬT"),
                        ("state_doc_number", num)],
        "recall mark on the first line plus MẬT in box 10a")

    num = "56/KH-BCĐ"
    t = ("viết lại phần trích yếu cho gọn giúp em, kèm 1 câu tóm tắt nội dung:\n\n"
         "Số ký hiệu: %s\nNgày ban hành: 18/09/2025\nLoại văn bản: Kế hoạch\nĐộ mật: Tối mật\nĐộ khẩn: Thượng khẩn\n"
         "Cơ quan ban hành: Ban Chỉ đạo phòng, chống tội phạm tỉnh Đông Lâm\n"
         "Trích yếu: Kế hoạch triển khai cao điểm tấn công, trấn áp tội phạm ma túy tại khu vực giáp biên và các điểm nóng "
         "trên địa bàn các huyện phía Tây tỉnh trong dịp cuối năm 2025 và Tết Nguyên đán Bính Ngọ 2026\n"
         "Người ký: Phó Trưởng ban Thường trực\nSố trang: 7\n\nNội dung chính: xác lập 05 chuyên án, bố trí 03 tổ công tác "
         "đặc biệt tại các tuyến đường mòn, phối hợp với lực lượng Biên phòng kiểm soát 12 lối mở." % num)
    add(F, t, "block", [("secret_marking", "Độ mật: Tối mật"), ("urgency_mark", "Thượng khẩn"),
                        ("state_doc_number", num)],
        "e-office metadata pasted with the question; Độ mật: Tối mật field")

    pw1 = "Mc@" + token(9) + "!"
    pw2 = token(6, "abcdefghijkmnpqrstuvwxyz") + "#" + str(R.randint(1970, 1999))
    l1 = "Mật khẩu: " + pw1
    l2 = "mật khẩu: " + pw2
    t = ("Kiểm tra giúp em cách bàn giao này có an toàn không, nếu chưa thì viết lại thành hướng dẫn bàn giao chuẩn:\n\n"
         "BIÊN BẢN BÀN GIAO HỆ THỐNG (bản nháp)\n"
         "1. Máy chủ Hệ thống một cửa điện tử: 10.20.4.15 (mạng nội bộ), tài khoản quản trị: admin_motcua\n   %s\n"
         "2. Cổng dịch vụ công cấp xã: tài khoản qtv.tanphuoc, %s (đổi lần cuối 03/2025)\n"
         "3. Hộp thư công vụ của bộ phận: chuyển cho đ/c văn thư quản lý, không bàn giao mật khẩu qua Zalo.\n"
         "4. Thiết bị: 01 máy chủ Dell, 01 bộ lưu điện, 01 tủ rack 19U." % (l1, l2))
    add(F, t, "block", [("credential", l1), ("credential", l2)],
        "hand-over note with two passwords written out (the prompt asks whether that is safe)")

    # ---------------------------------------------------------------- warn
    num = "1587/GM-SNNMT"
    t = ("Tóm tắt giúp tôi giấy mời này trong 3 dòng để gửi nhóm Zalo cơ quan:\n\n"
         + shead("UBND TỈNH ĐÔNG LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", num, "Đông Lâm", vdate(25, 10),
                 "tab", after=["HỎA TỐC"])
         + "\nGIẤY MỜI\nHọp triển khai công tác ứng phó bão số 6\n\n" + B["thientai"]
         + "\n\nThời gian: 14h00 ngày 25/10/2025.\nĐịa điểm: Phòng họp số 2, tầng 3, trụ sở Sở.\n"
           "Thành phần: lãnh đạo các phòng, Chi cục Thủy lợi, Chi cục Thủy sản.\n\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    add(F, t, "warn", [("urgency_mark", "HỎA TỐC"), ("state_doc_number", num)],
        "invitation with HỎA TỐC in box 10b; no secrecy stamp")

    t = ("Viết lại tài liệu này cho dễ hiểu hơn với cán bộ cấp xã, thêm ví dụ minh họa:\n\n"
         "LƯU HÀNH NỘI BỘ\n\n" + B["taphuan"] + "\n\nBan biên soạn: Trung tâm Chuyển đổi số tỉnh Ngọc Sơn")
    add(F, t, "warn", [("circulation_mark", "LƯU HÀNH NỘI BỘ")],
        "training handout with the circulation note as its own first line")

    p = P()
    ph, em = phone(2), p.email("example.gov.vn", 0)
    t = ("Dịch sang tiếng Anh thư mời sau, giữ định dạng:\n\n"
         "Kính gửi: Quý Tổ chức Hợp tác Phát triển Bắc Âu\n\n"
         "Trung tâm Xúc tiến Đầu tư tỉnh Lam Giang trân trọng kính mời đại diện Quý Tổ chức tham dự Hội thảo "
         "\"Kinh tế tuần hoàn trong nuôi trồng thủy sản vùng ven biển\" do Trung tâm phối hợp với Hiệp hội Thủy sản tổ chức.\n"
         "Thời gian: 8h30 - 11h30, thứ Năm ngày 20/11/2025.\nĐịa điểm: Hội trường A, Khách sạn Sông Lam, thành phố Lam Giang.\n"
         "Ngôn ngữ: tiếng Việt, có phiên dịch tiếng Anh.\n\nRất mong được đón tiếp Quý vị.\n\n"
         "Đầu mối liên hệ: %s %s, Phòng Hợp tác quốc tế; điện thoại: %s; email: %s"
         % ("bà" if p.female else "ông", p.name, ph, em))
    add(F, t, "warn", [("phone", ph), ("email", em)], "one contact person (phone + e-mail) at the end of an invitation")

    num = "356-CV/HU"
    t = ("Tóm tắt công văn sau, liệt kê các việc chi bộ phải làm:\n\n"
         + phead("ĐẢNG BỘ TỈNH LAM GIANG", "HUYỆN ỦY SƠN KỲ", num, "Sơn Kỳ", vdate(20, 11))
         + "V/v chuẩn bị nội dung sinh hoạt chi bộ tháng 12/2025\n\nKính gửi: Các chi bộ, đảng bộ trực thuộc\n\n"
           "Để nâng cao chất lượng sinh hoạt chi bộ, Ban Thường vụ Huyện ủy đề nghị các chi bộ, đảng bộ:\n"
           "1. Tổ chức sinh hoạt chuyên đề về đổi mới phương thức lãnh đạo trong bối cảnh chuyển đổi số.\n"
           "2. Đánh giá, xếp loại chất lượng đảng viên năm 2025 đúng quy định; hoàn thành trước 25/12.\n"
           "3. Báo cáo kết quả về Ban Tổ chức Huyện ủy trước ngày 31/12/2025.\n\n"
           "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ")
    add(F, t, "warn", [("party_doc_number", num)], "internal Party letter header (no stamp): classify before sending")

    mst = make_mst("23")
    t = ("Viết lại cho trang trọng hơn, đây là nội dung em gửi lãnh đạo:\n\n"
         "Cty TNHH Xây dựng Thịnh Phát Lam Giang (MST %s) đã thi công xong hạng mục nhà lớp học 2 tầng 6 phòng "
         "tại điểm trường Khe Nứa, chậm 17 ngày so với hợp đồng do mưa kéo dài. Cty đề nghị tổ chức nghiệm thu "
         "trong tuần này để kịp đưa vào sử dụng sau Tết. Giá trị quyết toán dự kiến 3,41 tỷ đồng, chưa trừ phạt "
         "chậm tiến độ. Ý kiến của em là nên nghiệm thu có điều kiện, yêu cầu khắc phục phần chống thấm mái." % mst)
    add(F, t, "warn", [("mst", mst)], "business tax code of a contractor")

    pl = make_plate()
    t = ("Tóm tắt vụ việc để đưa vào báo cáo tuần, văn phong hành chính:\n\n"
         "Khoảng 15h20 ngày 08/11/2025, xe tải biển kiểm soát %s chở vật liệu xây dựng lưu thông trên tỉnh lộ 279 "
         "hướng từ trung tâm huyện về xã Tân Phước, khi đến km 14+300 thì va chạm với xe máy đi cùng chiều. "
         "Người điều khiển xe máy bị xây xát nhẹ, đã được sơ cứu tại Trạm Y tế xã; không có thiệt hại lớn về tài sản. "
         "Công an xã đã lập biên bản, đo vẽ hiện trường và bàn giao cho Đội CSGT huyện thụ lý theo thẩm quyền." % pl)
    add(F, t, "warn", [("license_plate", pl)], "incident summary with one vehicle plate")

    num = "2231/UBND-KT"
    t = ("Chuyển nội dung sau thành bảng gồm 3 cột: Nhiệm vụ | Đơn vị chủ trì | Thời hạn\n\n"
         + shead("UBND TỈNH NGỌC SƠN", "", num, "Ngọc Sơn", vdate(6, 10), "stack",
                 after=["THƯỢNG KHẨN", "XEM XONG TRẢ LẠI"])
         + "V/v khắc phục hậu quả mưa lũ tại các huyện miền núi\n\n"
           "1. Sở Giao thông vận tải khẩn trương thông tuyến Quốc lộ 4G, hoàn thành trước 10/10.\n"
           "2. Sở Y tế cấp phát cloramin B, vệ sinh môi trường tại 36 thôn bị ngập.\n"
           "3. Sở Tài chính tham mưu bố trí 25 tỷ đồng từ dự phòng ngân sách tỉnh, trình trước 08/10.\n"
           "4. UBND các huyện rà soát, báo cáo thiệt hại về Văn phòng UBND tỉnh trước 16h00 ngày 07/10.")
    add(F, t, "warn", [("urgency_mark", "THƯỢNG KHẨN"), ("circulation_mark", "XEM XONG TRẢ LẠI"),
                       ("state_doc_number", num)],
        "urgency + circulation notes, no secrecy stamp")

    # ---------------------------------------------------------------- allow
    num = "187/TB-UBND"
    t = ("Tóm tắt giúp tôi thông báo sau để đăng lên trang thông tin điện tử của xã:\n\n"
         + shead("UBND HUYỆN SƠN KỲ", "UBND XÃ TÂN PHƯỚC", num, "Tân Phước", vdate(15, 9), "tab")
         + "\nTHÔNG BÁO\nCông khai quy hoạch sử dụng đất đến năm 2030 của xã Tân Phước\n\n"
           "Thực hiện Luật Đất đai năm 2024, UBND xã thông báo công khai quy hoạch sử dụng đất đến năm 2030 đã được "
           "UBND tỉnh phê duyệt. Hồ sơ quy hoạch được niêm yết tại trụ sở UBND xã, nhà văn hóa 9 thôn và đăng tải trên "
           "Cổng thông tin điện tử huyện trong thời gian 30 ngày kể từ ngày 20/9/2025.\n"
           "Tổng diện tích tự nhiên 3.412,6 ha; đất nông nghiệp 2.870,1 ha; đất phi nông nghiệp 498,3 ha; đất chưa sử dụng 44,2 ha.\n"
           "Mọi ý kiến thắc mắc, người dân liên hệ bộ phận Một cửa của xã hoặc tổng đài 1900 6868 để được hướng dẫn.\n\n"
           "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    add(F, t, "allow", [], "public notice with a state header and a number but no stamp; 1900 hotline")

    t = ("Viết lại bài phát biểu khai giảng này cho hay hơn, khoảng 500 chữ, giọng ấm áp:\n\n"
         "Kính thưa các đồng chí lãnh đạo, thưa quý vị phụ huynh, các thầy cô giáo và các em học sinh thân mến!\n"
         "Hôm nay, trong không khí tưng bừng của ngày hội đến trường, thầy trò Trường THCS Tân Phước long trọng tổ chức lễ "
         "khai giảng năm học 2025 - 2026. Năm học vừa qua, nhà trường có 96,8% học sinh được xếp loại học lực khá, giỏi; "
         "14 em đạt giải học sinh giỏi cấp huyện, 03 em đạt giải cấp tỉnh. Cơ sở vật chất được đầu tư thêm 01 phòng tin học "
         "với 35 máy tính và hệ thống Internet tốc độ cao.\n"
         "Năm học mới, nhà trường xác định chủ đề \"Kỷ cương - Sáng tạo - Chuyển đổi số\". Tôi mong các em học sinh chăm ngoan, "
         "biết giữ gìn bí mật của bạn bè khi được tin tưởng chia sẻ, biết bảo mật tài khoản học tập trực tuyến và không chia sẻ "
         "mật khẩu cho người lạ; mong các thầy cô tiếp tục đổi mới phương pháp dạy học...\n"
         "Xin chúc các em một năm học thật nhiều niềm vui!")
    add(F, t, "allow", [], "school speech: bí mật / bảo mật / mật khẩu in ordinary senses")

    t = ("Dịch sang tiếng Anh thông cáo báo chí dưới đây, giọng văn báo chí quốc tế:\n\n"
         "THÔNG CÁO BÁO CHÍ\nDiễn đàn Chuyển đổi số tỉnh Ngọc Sơn năm 2025\n\n" + B["cds"] +
         "\nTại Diễn đàn, đại diện Bộ Khoa học và Công nghệ lưu ý các cơ quan nhà nước tuân thủ Luật Bảo vệ bí mật nhà nước số "
         "117/2025/QH15 (có hiệu lực từ ngày 01/3/2026) và Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 khi ứng dụng trí tuệ "
         "nhân tạo; không đưa thông tin thuộc danh mục bí mật nhà nước lên các nền tảng AI công cộng.\n"
         "Diễn đàn thu hút hơn 600 đại biểu trực tiếp và 4.000 điểm cầu trực tuyến.")
    add(F, t, "allow", [], "press release: published Party resolution and law numbers cited in prose")

    t = ("Tóm tắt hướng dẫn sau thành 5 ý ngắn để phổ biến trong giao ban:\n\n"
         "HƯỚNG DẪN NHANH: DÙNG AI AN TOÀN TRONG CƠ QUAN\n"
         "1. Trước khi dán bất kỳ nội dung nào vào ChatGPT, Gemini hay Copilot, hãy tự hỏi văn bản đó có đóng dấu độ mật không. "
         "Văn bản có dấu Tuyệt mật, Tối mật hoặc Mật tuyệt đối không được đưa lên nền tảng AI công cộng, kể cả khi chỉ "
         "dán một đoạn nhỏ.\n"
         "2. Tài liệu có dấu \"TÀI LIỆU THU HỒI\" hoặc \"CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ\" là tài liệu mật, phải trả lại "
         "theo quy định, không chụp ảnh, không sao chép.\n"
         "3. Văn bản lưu hành nội bộ cần được lãnh đạo đơn vị cho phép trước khi sử dụng công cụ AI.\n"
         "4. Xóa toàn bộ số định danh, số điện thoại, số tài khoản của công dân trước khi nhờ AI hỗ trợ.\n"
         "5. Kết quả do AI tạo ra phải được cán bộ kiểm tra lại; AI có thể bịa đặt số liệu và trích dẫn.")
    add(F, t, "allow", [], "guidance naming every stamp inside sentences and quotes")

    num = "112/UBND-VX"
    t = ("rà soát chính tả giúp e, sếp bảo chiều nay ký rồi:\n\n"
         + shead("UBND HUYỆN PHƯỚC LỘC", "UBND XÃ TÂN PHƯỚC", num, "Tân Phước", vdate(3, 4), "space")
         + "V/v triển khai chiến dịch tiêm bổ sung vắc xin sởi\n\nKính gửi: Trưởng các thôn, tổ dân phố\n\n"
         + B["tiemchung"] + "\n\nNơi nhận:\n- Như trên;\n- Trạm Y tế xã;\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    add(F, t, "allow", [], "ordinary commune letter with a state header and no stamp or urgency mark")

    num = "64/KH-UBND"
    t = ("Lập bảng phân công nhiệm vụ từ kế hoạch sau (cột: việc, đơn vị, thời gian):\n\n"
         + shead("UBND QUẬN HÒA THÀNH", "UBND PHƯỜNG BẾN ĐÌNH", num, "Bến Đình", vdate(28, 5), "motto")
         + "\nKẾ HOẠCH\nTổng vệ sinh môi trường hưởng ứng Ngày Môi trường thế giới 05/6\n\n" + B["moitruong"])
    add(F, t, "allow", [], "ward plan, motto-first layout, no stamp")

    t = ("tom tat giup e bai nay nhe, toi mat ca buoi sang ma doc chua xong, chieu phai hop roi\n\n"
         "Dịch vụ công trực tuyến: từ con số đến trải nghiệm\n"
         "Năm 2025, tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh tăng mạnh, nhưng khảo sát 2.150 người dân cho thấy 38% vẫn "
         "phải đến bộ phận một cửa ít nhất một lần để bổ sung giấy tờ. Nguyên nhân chủ yếu là dữ liệu chưa được liên thông: "
         "công dân phải tải lên nhiều lần cùng một loại giấy tờ, hệ thống thường xuyên quá tải vào cuối tháng.\n"
         "Các chuyên gia kiến nghị ưu tiên làm sạch dữ liệu, tái sử dụng kết quả giải quyết thủ tục, và đo lường sự hài lòng "
         "theo từng thủ tục thay vì con số tổng hợp.")
    add(F, t, "allow", [], "unaccented chat prompt: 'toi mat ca buoi sang' = tôi mất cả buổi sáng")

    t = ("Viết lại thông báo thu hồi sản phẩm này cho dễ hiểu với người tiêu dùng:\n\n"
         "THÔNG BÁO THU HỒI SẢN PHẨM\nCông ty CP Sữa Đồng Xanh thông báo tự nguyện thu hồi lô sữa tiệt trùng hộp 180 ml, "
         "số lô LOT 2509-13B, hạn sử dụng 13/03/2026, do phát hiện một số hộp bị phồng trong quá trình vận chuyển.\n"
         "Khách hàng có sản phẩm thuộc lô trên vui lòng mang đến điểm bán gần nhất để được đổi sản phẩm mới. "
         "Tài liệu thu hồi gồm danh sách 126 điểm bán và hướng dẫn đổi trả được đăng tải trên website của công ty.\n"
         "Tổng đài chăm sóc khách hàng miễn phí: 1800 6061 (7h00 - 21h00 hằng ngày).")
    add(F, t, "allow", [], "product recall: 'Tài liệu thu hồi' in a sentence; lot number; 1800 number")

    t = ("Summarize in English for the donor report (max 120 words):\n\n"
         "Kết quả tổng điều tra dân số giữa kỳ cho thấy mật độ dân số toàn tỉnh là 312 người/km2, cao nhất tại thành phố "
         "Lam Giang (2.480 người/km2) và thấp nhất tại huyện Nậm Khao (41 người/km2). Tỷ lệ đô thị hóa đạt 34,7%; tỷ số giới "
         "tính khi sinh 111,4 bé trai/100 bé gái. Dân số trong độ tuổi lao động chiếm 63,2%; số hộ sử dụng nước sạch đạt 91%. "
         "Mật độ trạm y tế là 1,6 trạm/10.000 dân, thấp hơn bình quân vùng. Chi tiết tại Biểu 01 - 07 kèm theo.")
    add(F, t, "allow", [], "statistics with 'mật độ' (density) at the start of sentences")

    t = ("Làm giúp 6 slide thuyết trình từ nội dung sau, mỗi slide tối đa 5 dòng:\n\n"
         "Bảo vệ dữ liệu cá nhân theo Nghị định 13/2023/NĐ-CP - những điểm cán bộ một cửa cần nhớ\n"
         "- Dữ liệu cá nhân cơ bản: họ tên, ngày sinh, số điện thoại, số CCCD (12 chữ số dạng 0xx xxx xxx xxx), "
         "biển số xe, mã số thuế cá nhân, số sổ BHXH.\n"
         "- Dữ liệu nhạy cảm: tình trạng sức khỏe, tôn giáo, lý lịch tư pháp, dữ liệu vị trí, thông tin tài khoản ngân hàng.\n"
         "- Chỉ thu thập đúng thông tin cần thiết cho thủ tục; không chụp lại giấy tờ bằng điện thoại cá nhân.\n"
         "- Khi gửi hồ sơ qua thư điện tử, che các số định danh, ví dụ CCCD: 0xx•••••••xx, SĐT: 09x•••••xx.\n"
         "- Từ ngày 01/01/2026, Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 có hiệu lực, mức phạt tăng mạnh.\n"
         "- Phát hiện lộ lọt dữ liệu: báo ngay cho lãnh đạo và bộ phận CNTT trong vòng 72 giờ.")
    add(F, t, "allow", [], "slide request about Decree 13 with masked/placeholder identifiers")


# =========================================================================== family: ocr
# Scanned pages run through OCR: ragged spacing, page numbers, running headers/footers,
# broken lines, stray marks. Stamps stay recognisable (extra spaces, box borders).

def fam_ocr():
    F = "ocr"
    num = "318/BC-SNV"
    body = ocr_noise(hardwrap(B["nhansu"].replace("TỜ TRÌNH", "BÁO CÁO"), 92))
    t = ("UBND TỈNH PHÚ KHANG              CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
         "   SỞ NỘI VỤ                          Độc lập - Tự do - Hạnh phúc\n"
         "    _______                         ____________________\n"
         "Số: %s                   Phú Khang, ngày 09 tháng 6 năm 2025\n\n"
         "              TỐI  MẬT\n\n%s\n\n                                                   1\n" % (num, body))
    add(F, t, "block", [("secret_marking", "TỐI  MẬT"), ("state_doc_number", num)],
        "OCR of page 1: stamp with a doubled inner space, alone on its line under the number")

    body = ocr_noise(hardwrap(
        "đó, lực lượng chức năng đã phối hợp kiểm tra 27 cơ sở kinh doanh dịch vụ có điều kiện về an ninh, trật tự, "
        "phát hiện 06 cơ sở vi phạm, xử phạt hành chính 48,5 triệu đồng. " + B["anninh"].split("II. ", 1)[1], 88))
    t = "MẬT\n                                   3\n" + body + "\n\n\n                                   4\nMẬT\nKIẾN NGHỊ (tiếp)\n..."
    add(F, t, "block", [("secret_marking", "MẬT")],
        "OCR of pages 3-4: page-header stamp repeated above each page number")

    num = "45/KH-BCH"
    body = ocr_noise(hardwrap(B["biengioi"], 90), 0.08)
    t = ("BỘ CHỈ HUY BỘ ĐỘI BIÊN PHÒNG\nTỈNH KIM HÀ\nSố: %s\n\n      _______________\n      |  TUYỆT MẬT  |\n"
         "      ‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾\n\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n%s\n" % (num, body))
    add(F, t, "block", [("secret_marking", "TUYỆT MẬT"), ("state_doc_number", num)],
        "judgement: OCR keeps the stamp's box border as | and underscores; the line holds only the stamp")

    num = "77/BC-CAH"
    body = ocr_noise(hardwrap(B["diaban"], 95), 0.1)
    t = ("CÔNG AN TỈNH NGỌC SƠN\nCÔNG AN HUYỆN NẬM KHAO\n\nSố: %s    Nậm Khao, ngày 2l tháng 3 năm 2025\n"
         "                MẬT    .\n\nBÁO CÁO\nTình hình an ninh nông thôn tháng 3/2025\n%s" % (num, body))
    add(F, t, "block", [("secret_marking", "MẬT"), ("state_doc_number", num)],
        "judgement: an OCR speck ('.') after the stamp does not turn the line into prose; still a marking")

    p4 = ocr_noise(hardwrap(B["daihoi"].split("III. ", 1)[0], 90))
    p5 = ocr_noise(hardwrap("III. " + B["daihoi"].split("III. ", 1)[1], 90))
    t = p4 + "\n\n                                 - 4 -\nTỐI MẬT\n\n" + p5 + "\n\n                                 - 5 -\nTỐI MẬT\n"
    add(F, t, "block", [("secret_marking", "TỐI MẬT")],
        "judgement: stamp printed in each page footer (last line after the page number) is in marking position")

    num = "12/PA-CAT"
    body = ocr_noise(hardwrap(B["suco"], 90))
    t = ("BẢN SAO SỐ 03\n\nTỐI MẬT\n\nCÔNG AN TỈNH ĐÔNG LÂM     CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
         "PHÒNG AN NINH MẠNG          Độc lập - Tự do - Hạnh phúc\nSố: %s\n\n%s\n\nSao y bản chính. Số lượng: 05 bản.\n" % (num, body))
    add(F, t, "block", [("secret_handling_mark", "BẢN SAO SỐ 03"), ("secret_marking", "TỐI MẬT"),
                        ("state_doc_number", num)], "OCR of a numbered copy of a secret document")

    p = P()
    cc = make_cccd(year=R.randint(1965, 1995), female=p.female)
    spaced = " ".join(cc)
    ph = make_mobile()
    t = ("Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA\n\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
         "Độc lập - Tự do - Hạnh phúc\n\nTỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\n\n"
         "Kính gửi(1): Công an xã Tân Phước\n1. Họ, chữ đệm và tên: %s\n2. Ngày, tháng, năm sinh: %s   3. Giới tính: %s\n"
         "4. Số định danh cá nhân: %s\n5. Số điện thoại liên hệ: %s   6. Email: .......................\n"
         "7. Nơi thường trú: thôn Đồng Mới, xã Tân Phước\n8. Nội dung đề nghị(2): đăng ký tạm trú cho con\n"
         "....................................................................\n"
         "                                              NGƯỜI KÊ KHAI\n                                           (Ký, ghi rõ họ tên)\n"
         % (p.name.upper(), dob(cccd_year(cc)), "Nữ" if p.female else "Nam", spaced, ph))
    add(F, t, "block", [("cccd", spaced), ("phone", ph)],
        "OCR of a form with one box per digit: the CCCD comes out as spaced digits")

    p = P()
    a_payer = "9527.1.1" + safe_digits(6, "0")
    a_payee = bank_account(13, "0")
    t = ocr_noise("ỦY NHIỆM CHI\nCHUYỂN KHOẢN, CHUYỂN TIỀN THƯ ĐIỆN TỬ\nSố: 0457        Lập ngày: 14/03/2025\n\n"
                  "Đơn vị trả tiền: Văn phòng HĐND và UBND huyện Sơn Kỳ\n") + \
        ("Tài khoản: %s\nTại Kho bạc Nhà nước: KBNN Sơn Kỳ\n\nĐơn vị nhận tiền: %s\n"
         "Số tài khoản: %s\nTại ngân hàng: Vietcombank - CN Lam Giang\n"
         "Nội dung: Thanh toán tiền thù lao báo cáo viên hội nghị 3/2025\nSố tiền bằng số: 2.400.000\n"
         "Số tiền bằng chữ: Hai triệu bốn trăm nghìn đồng chẵn\n\n   Kế toán trưởng        Thủ trưởng đơn vị\n"
         % (a_payer, p.name.upper(), a_payee))
    add(F, t, "block", [("bank_account", a_payer), ("bank_account", a_payee)],
        "OCR of a payment order: treasury account of the agency and a personal bank account")

    num = "1245-CV/VPTU"
    t = ("  BÌ THƯ\n\nNơi gửi: VĂN PHÒNG TỈNH ỦY ĐÔNG LÂM\nSố: %s\n\n\n          Kính gửi: Đồng chí Bí thư Huyện ủy Sơn Kỳ\n"
         "          Địa chỉ: số 02 đường Trần Hưng Đạo, thị trấn Sơn Kỳ\n\n"
         "    CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ\n\n  (dấu bưu điện mờ: 17/10/25)\n" % num)
    add(F, t, "block", [("secret_handling_mark", "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ"),
                        ("party_doc_number", num)], "OCR of an envelope with the 'only the named person' mark")

    # ---------------------------------------------------------------- warn
    num = "2046/UBND-NC"
    body = ocr_noise(hardwrap(B["thientai"], 90))
    t = ("ỦY BAN NHÂN DÂN                CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH KIM HÀ                    Độc lập - Tự do - Hạnh phúc\n"
         "Số: %s              Kim Hà, ngày 24 tháng 10 năm 2025\n\n     KHẨN\n\nV/v chủ động ứng phó bão số 6\n\n%s\n" % (num, body))
    add(F, t, "warn", [("urgency_mark", "KHẨN"), ("state_doc_number", num)], "OCR of an urgent letter (KHẨN in box 10b)")

    body = ocr_noise(hardwrap(B["taphuan"], 85))
    t = ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG\n\n%s\n\n                     - 2 -\n             LƯU  HÀNH  NỘI  BỘ\n" % body)
    add(F, t, "warn", [("circulation_mark", "LƯU  HÀNH  NỘI  BỘ")],
        "OCR of a handout: circulation note at the foot of the page with doubled spaces")

    p = P()
    ph = phone(2)
    body = ocr_noise(hardwrap(B["dat"], 90))
    t = ("UBND HUYỆN SƠN KỲ\nBAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG\n\nV/v báo cáo tiến độ giải phóng mặt bằng\n\n%s\n\n"
         "Mọi thông tin chi tiết xin liên hệ: đ/c %s - Phó Giám đốc Ban, ĐT: %s\n\n                    GIÁM ĐỐC\n"
         % (body, p.name, ph))
    add(F, t, "warn", [("phone", ph)], "OCR of a progress report with one officer's mobile")

    # ---------------------------------------------------------------- allow
    t = ("BÁO LAM GIANG                                   Thứ Năm, 12/6/2025  |  5\n"
         "PHÁP LUẬT - ĐỜI SỐNG\n\nSiết chặt bảo vệ bí mật nhà nước\ntrong môi trường số\n\n"
         "Thời gian qua, một số cán bộ đã chụp ảnh, sao chụp văn bản có độ\n"
         "Tối mật, Mật rồi gửi qua ứng dụng nhắn tin để \"cho tiện\" trao đổi\n"
         "công việc. Theo Phòng An ninh chính trị nội bộ, chỉ riêng năm 2024\n"
         "đã phát hiện 09 trường hợp làm lộ tài liệu, trong đó có 02 tài liệu\n"
         "Tuyệt mật liên quan đến công tác quân sự, quốc phòng.\n"
         "Luật Bảo vệ bí mật nhà nước số 117/2025/QH15 nghiêm cấm sử dụng trí\n"
         "tuệ nhân tạo để xâm phạm bí mật nhà nước. Cán bộ khi soạn thảo, lưu\n"
         "giữ tài liệu mật phải dùng máy tính không kết nối Internet; tài liệu\n"
         "có dấu \"Tài liệu thu hồi\" phải được trả lại đúng hạn.\n"
         "(Xem tiếp trang 7)\n\n"
         "Quảng cáo - Rao vặt ......................................... trang 8\n")
    add(F, t, "allow", [], "OCR of a newspaper column: hard wraps put 'Tối mật, Mật' and 'Tuyệt mật' at line starts, inside sentences")

    t = ("CÔNG BÁO/Số 1245 + 1246/Ngày 28-12-2025                                         17\n\n"
         "(Tóm lược để phục vụ học tập - không phải văn bản chính thức)\n\n"
         "Điều 8. Phân loại bí mật nhà nước\nCăn cứ tính chất quan trọng của nội dung thông tin, mức độ nguy hại nếu bị\n"
         "lộ, bị mất, bí mật nhà nước được phân loại thành ba độ:\n"
         "1. Bí mật nhà nước độ Tuyệt mật là bí mật nhà nước liên quan đến chính trị,\n"
         "quốc phòng, an ninh, cơ yếu, đối ngoại, nếu bị lộ, bị mất có thể gây nguy\n"
         "hại đặc biệt nghiêm trọng đến lợi ích quốc gia, dân tộc.\n"
         "2. Bí mật nhà nước độ Tối mật là bí mật nhà nước nếu bị lộ, bị mất có thể\n"
         "gây nguy hại rất nghiêm trọng đến lợi ích quốc gia, dân tộc.\n"
         "3. Bí mật nhà nước độ Mật là bí mật nhà nước nếu bị lộ, bị mất có thể gây\n"
         "nguy hại nghiêm trọng đến lợi ích quốc gia, dân tộc.\n\n"
         "Điều 9. Thời hạn bảo vệ bí mật nhà nước (tóm lược)\nThời hạn bảo vệ được tính từ ngày xác định độ mật; độ\n"
         "Tuyệt mật dài nhất, độ Mật ngắn nhất ...\n\n"
         "18                                     CÔNG BÁO/Số 1245 + 1246/Ngày 28-12-2025\n")
    add(F, t, "allow", [], "OCR of a law-gazette page (study summary): level names inside numbered legal sentences")

    t = ocr_noise("UBND XÃ ĐỒNG MỚI\n\nBẢNG TỔNG HỢP KẾT QUẢ THU NGÂN SÁCH 9 THÁNG NĂM 2025\n\n"
                  "STT   Nội dung thu          Dự toán (đồng)       Thực hiện (đồng)     Tỷ lệ\n"
                  "1     Thuế CTN ngoài QD      1.250.000.000        1.031.442.500        82,5%\n"
                  "2     Lệ phí trước bạ          640.000.000          702.118.000       109,7%\n"
                  "3     Thu tiền sử dụng đất   9.800.000.000        4.215.600.000        43,0%\n"
                  "4     Thu khác ngân sách       120.000.000           96.730.250        80,6%\n"
                  "      Cộng                 11.810.000.000        6.045.890.750        51,2%\n\n"
                  "Ghi chú: số liệu đối chiếu với KBNN huyện đến hết ngày 30/9/2025.\n                           Trang 1/1")
    add(F, t, "allow", [], "OCR of a budget table with large amounts")

    t = ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG (cũ)\nTRƯỜNG ĐÀO TẠO, BỒI DƯỠNG CÁN BỘ\n\nTHƯ MỜI\n\n"
         "Nhà trường trân trọng kính mời Quý cơ quan cử cán bộ tham dự lớp bồi dưỡng \"Bảo vệ dữ liệu cá nhân\n"
         "trong cơ quan nhà nước\" theo Nghị định số 13/2023/NĐ-\nCP ngày 17/4/2023 của Chính phủ và Luật Bảo vệ dữ liệu cá nhân\n"
         "năm 2025. Thời gian: 03 ngày, từ 17 - 19/11/2025. Học phí: miễn phí. Đăng ký qua Cổng đào\n"
         "tạo trực tuyến của Nhà trường trước ngày 10/11/2025.\n\n                                   - 1 -\n")
    add(F, t, "allow", [], "OCR with a decree number hyphenated across the line break (published number, prose)")

    t = ocr_noise("Bài 3\nMẬT ĐỘ DÂN SỐ VÀ PHÂN BỐ DÂN CƯ\n\n"
                  "Mật độ dân số là số dân trung bình sinh sống trên một đơn vị diện tích lãnh thổ,\n"
                  "thường tính bằng người/km2. Nước ta có mật độ dân số cao, năm 2024 khoảng 306 người/km2.\n"
                  "Mật độ dân số ở đồng bằng, ven biển và các đô thị cao hơn nhiều so với miền núi.\n\n"
                  "Câu hỏi: Vì sao mật độ dân số ở Đồng bằng sông Hồng cao nhất cả nước?\n\n"
                  "                                   24\n")
    add(F, t, "allow", [], "OCR of a geography textbook page: MẬT ĐỘ heading and line-initial 'Mật độ'")

    t = ("HƯỚNG DẪN SỬ DỤNG HỆ THỐNG QUẢN LÝ VĂN BẢN VÀ ĐIỀU HÀNH - PHIÊN BẢN 4.2          Trang 12\n\n"
         "4.3. Vào sổ văn bản đến\nBước 1: Chọn chức năng \"Văn bản đến\" > \"Thêm mới\".\n"
         "Bước 2: Nhập các trường bắt buộc: số ký hiệu, ngày ban hành, cơ quan ban hành, trích yếu.\n"
         "Bước 3: Mục \"Độ mật\" mặc định là Thường. Đối với văn bản giấy có đóng dấu độ mật, văn thư không scan\n"
         "đưa lên hệ thống mà vào sổ riêng theo quy định về bảo vệ bí mật nhà nước.\n"
         "Bước 4: Mục \"Độ khẩn\" chọn theo dấu trên văn bản giấy (nếu có).\nBước 5: Bấm \"Lưu và chuyển xử lý\".\n\n"
         "Lưu ý: mật khẩu đăng nhập hệ thống phải thay đổi 90 ngày/lần.\n")
    add(F, t, "allow", [], "OCR of a software manual describing the Độ mật field without a level value")

    t = ocr_noise("SIÊU THỊ ĐIỆN MÁY HƯNG THỊNH\nCN Lam Giang - 128 Lê Lợi\nHotline: 1900 5858\n\n"
                  "HÓA ĐƠN BÁN LẺ        Số: HD-2025-118342\nNgày: 02/11/2025 10:41   Quầy: 03   NV: 1127\n"
                  "--------------------------------------------\n"
                  "Quạt đứng Hưng Thịnh QĐ-45      1 x   890.000\nỔ cắm kéo dài 5m                2 x   145.000\n"
                  "Pin AA (vỉ 4)                   3 x    38.000\n--------------------------------------------\n"
                  "Tổng cộng:                             1.294.000\nTiền khách đưa:                        1.300.000\n"
                  "Tiền thối lại:                              6.000\n\nMã tra cứu: HT7Q-2K9P-0413\nCảm ơn quý khách!")
    add(F, t, "allow", [], "OCR of a shop receipt: order codes, amounts, 1900 hotline")

    t = ("ĐỀ KIỂM TRA KIẾN THỨC BẢO VỆ BÍ MẬT NHÀ NƯỚC - KHỐI VĂN PHÒNG          Mã đề: 204\n\n"
         "Câu 7. Văn bản có nội dung thuộc danh mục bí mật nhà nước mà nếu bị lộ có thể gây nguy hại rất nghiêm\n"
         "trọng thì phải đóng dấu độ mật nào?\n  A. Tuyệt mật      B. Tối mật      C. Mật      D. Lưu hành nội bộ\n"
         "Câu 8. Ý nghĩa của dấu \"Chỉ người có tên mới được bóc bì\" là gì?\n"
         "  A. Chỉ văn thư được mở   B. Chỉ người nhận có tên trên bì được mở   C. Ai cũng được mở   D. Không có ý nghĩa\n"
         "Câu 9. Khi nhận văn bản Hỏa tốc, văn thư phải chuyển ngay trong thời gian nào?\n\n"
         "                                          Trang 2/4\n")
    add(F, t, "allow", [], "OCR of a quiz: stamp names as options on one line, quoted inside questions")


# =========================================================================== family: pdf
# Text copied out of a PDF viewer: hard line breaks in the middle of sentences, tables that come
# out one cell per line, repeated page headers/footers.

def fam_pdf():
    F = "pdf"
    num = "31/KH-UBND"
    body = hardwrap(B["daihoi"], 78)
    t = ("MẬT\nỦY BAN NHÂN DÂN\nTỈNH ĐÔNG LÂM\nSố: %s\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
         "Đông Lâm, ngày 16 tháng 9 năm 2025\n%s\nTrang 1/3\n" % (num, body))
    add(F, t, "block", [("secret_marking", "MẬT"), ("state_doc_number", num)],
        "PDF copy: the stamp text object comes out first, before the header columns")

    pages = hardwrap(B["biengioi"] + "\n" + B["anninh"].split("III. ", 1)[1], 82).split("\n")
    half = len(pages) // 2
    hdr = "Phương án số 19/PA-ĐBP - Tuần tra biên giới cuối năm 2025"
    t = ("%s\n%sTỐI MẬT\n%s\n%s\n%s\n%sTỐI MẬT\n%s\n%s\n" %
         (hdr, " " * 52, "\n".join(pages[:half]), "2", hdr, " " * 52, "\n".join(pages[half:]), "3"))
    add(F, t, "block", [("secret_marking", "TỐI MẬT")],
        "PDF copy of pages 2-3: right-aligned page-header stamp under a running header, hard-wrapped body")

    cells = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Đơn vị công tác", "Ghi chú"]
    labs = []
    for i in range(4):
        s = P()
        y = R.randint(1972, 1992)
        c = make_cccd(year=y, female=s.female)
        labs.append(("cccd", c))
        cells += [str(i + 1), s.name, dob(y), c,
                  R.choice(["Phòng Tư pháp", "Phòng Nội vụ", "UBND xã Đồng Mới", "Trung tâm Y tế huyện"]),
                  R.choice(["Tái quy hoạch", "Bổ sung mới", ""])]
    t = ("DANH SÁCH\nCán bộ được giới thiệu bổ sung quy hoạch chức danh lãnh đạo cấp phòng\ngiai đoạn 2026 - 2031\n(Kèm theo Tờ trình số 112/TTr-UBND ngày 03/11/2025)\n"
         + "\n".join(cells) + "\nDanh sách gồm 04 người./.\n")
    add(F, t, "block", labs, "PDF table copied one cell per line: four CCCD numbers")

    ib = make_iban("DE", "37040044" + safe_digits(10, "0"))
    ibg = group(ib)
    t = hardwrap("PHỤ LỤC 02 - THÔNG TIN THANH TOÁN\n(Kèm theo Hợp đồng hợp tác số 07/2025/HĐ-TTXT giữa Trung tâm Xúc tiến "
                 "Đầu tư tỉnh Lam Giang và Công ty Nordlicht Consulting GmbH)\n"
                 "Bên A thanh toán cho Bên B bằng chuyển khoản quốc tế, đồng tiền thanh toán là euro (EUR), làm 02 đợt: đợt 1 bằng "
                 "40% giá trị hợp đồng trong vòng 15 ngày kể từ ngày ký; đợt 2 bằng 60% sau khi nghiệm thu báo cáo cuối kỳ.", 80) + \
        "\nTên tài khoản: Nordlicht Consulting GmbH\nNgân hàng: Commerzbank AG, Köln\nIBAN: %s\nSWIFT/BIC: COBADEFFXXX\n" % ibg + \
        hardwrap("Mọi chi phí ngân hàng phát sinh tại Việt Nam do Bên A chịu; chi phí phát sinh ngoài Việt Nam do Bên B chịu.", 80)
    add(F, t, "block", [("iban", ibg)], "contract annex copied from PDF with the foreign partner's IBAN")

    # ---------------------------------------------------------------- warn
    p = P()
    em = p.email("example.gov.vn", 2)
    t = hardwrap("THÔNG BÁO\nTiếp nhận đề xuất nhiệm vụ khoa học và công nghệ cấp tỉnh thực hiện từ năm 2026\n"
                 "Sở Khoa học và Công nghệ tỉnh Ngọc Sơn thông báo tiếp nhận đề xuất đặt hàng nhiệm vụ khoa học và công nghệ "
                 "cấp tỉnh, ưu tiên các lĩnh vực: chuyển đổi số trong nông nghiệp, trí tuệ nhân tạo phục vụ hành chính công, "
                 "bảo tồn nguồn gen cây dược liệu bản địa. Hồ sơ gồm phiếu đề xuất theo mẫu và các tài liệu liên quan, gửi "
                 "trước ngày 15/12/2025.", 76) + \
        "\nCán bộ đầu mối: %s, Phòng Quản lý khoa học, thư điện tử:\n%s\n- 1 -\n" % (p.name, em)
    add(F, t, "warn", [("email", em)], "PDF call for proposals with one officer's e-mail")

    num = "604/SYT-NVY"
    t = ("KHẨN\n" + "SỞ Y TẾ TỈNH PHÚ KHANG\nSố: %s\nV/v tăng cường phòng, chống dịch sốt xuất huyết\n" % num +
         hardwrap("Kính gửi: Trung tâm Y tế các huyện, thị xã, thành phố.\nTrong 4 tuần gần đây, số ca mắc sốt xuất huyết "
                  "trên địa bàn tỉnh tăng 2,3 lần so với cùng kỳ, ghi nhận 02 ổ dịch tại thành phố Phú Khang. Sở Y tế "
                  "đề nghị các đơn vị tổ chức chiến dịch diệt bọ gậy, giám sát chặt chẽ ca bệnh, bảo đảm thuốc, dịch truyền "
                  "và giường bệnh; báo cáo số liệu hằng ngày trước 15h00.", 80) + "\nTrang 1\n")
    add(F, t, "warn", [("urgency_mark", "KHẨN"), ("state_doc_number", num)],
        "PDF copy where the KHẨN box text object is emitted first")

    # ---------------------------------------------------------------- allow
    t = ("Xét xử vụ làm lộ bí mật nhà nước tại Sở X\n"
         "(PLO) - Ngày 14/10, TAND tỉnh mở phiên sơ thẩm xét xử bị cáo nguyên là chuyên viên\n"
         "văn phòng của một sở về tội \"Vô ý làm lộ bí mật nhà nước\". Theo cáo trạng, bị cáo đã\n"
         "dùng điện thoại cá nhân chụp nhiều trang văn bản, trong đó có tài liệu\n"
         "tối mật của Sở về phương án nhân sự, rồi gửi qua ứng dụng nhắn tin cho người quen.\n"
         "Tại tòa, bị cáo khai không biết văn bản có đóng dấu độ\n"
         "mật vì chỉ chụp trang 3 và trang 4. Hội đồng xét xử nhận định bị cáo là người\n"
         "trực tiếp được giao quản lý tài liệu nên phải biết quy định.\n")
    add(F, t, "allow", [], "PDF news with hard wraps: 'tối mật của Sở...' and 'mật vì chỉ chụp...' start lines but continue the sentence")

    t = ("Chương 3. QUẢN LÝ HÀNH CHÍNH NHÀ NƯỚC Ở ĐÔ THỊ\n"
         "3.1. Đặc điểm của đô thị\nĐô thị là nơi tập trung dân cư với mật\n"
         "độ cao, hoạt động chủ yếu là phi nông nghiệp. Quản lý đô thị đòi hỏi sự phối hợp\n"
         "chặt chẽ giữa các cấp, các ngành, đồng thời phải bảo đảm yêu cầu giữ gìn bí\n"
         "mật nhà nước trong các dự án hạ tầng liên quan đến quốc phòng, an ninh.\n"
         "Quan hệ giữa chính quyền và người dân ở đô thị thường ít thân\n"
         "mật hơn ở nông thôn, do đó cần kênh tiếp nhận phản ánh đa dạng.\n"
         "                                                                        45\n")
    add(F, t, "allow", [], "PDF textbook: 'mật' wrapped to line start as part of mật độ / bí mật / thân mật")

    t = ("HƯỚNG DẪN\nXác định độ mật và đóng dấu độ mật đối với tài liệu (tài liệu bồi dưỡng)\n"
         "1. Người đứng đầu cơ quan, tổ chức có trách nhiệm xác định bí mật nhà nước và độ mật\n"
         "của bí mật nhà nước. Căn cứ danh mục bí mật nhà nước, các độ mật gồm Tuyệt mật,\n"
         "Tối mật và Mật, được thể hiện bằng dấu chỉ độ mật đóng vào văn bản.\n"
         "2. Trường hợp văn bản điện tử, độ mật được thể hiện bằng ký hiệu chữ in hoa và ghi\n"
         "rõ trong thông tin quản lý văn bản; tuyệt đối không xử lý văn bản điện tử có độ\n"
         "Tối mật trên máy tính có kết nối mạng Internet.\n"
         "3. Tài liệu được sao, chụp phải đóng dấu \"Bản sao số\" và ghi rõ số lượng bản sao.\n")
    add(F, t, "allow", [], "PDF guidance: level names at line starts, continuing the sentence")

    t = ("TÀI LIỆU BỒI DƯỠNG CÁN BỘ, CÔNG CHỨC CẤP XÃ\nChuyên đề 6: Bảo vệ bí mật nhà nước trong môi trường số\n"
         "I. Những nguy cơ thường gặp\n- Sử dụng thư điện tử công cộng, mạng xã hội để gửi nhận văn bản có\n"
         "nội dung bí mật nhà nước.\n- Cài đặt phần mềm không rõ nguồn gốc trên máy tính soạn thảo văn bản mật;\n"
         "kết nối USB cá nhân với máy tính dùng riêng.\n- Dán nội dung văn bản vào các công cụ trí tuệ nhân tạo công cộng\n"
         "để tóm tắt, dịch, viết lại.\nII. Biện pháp phòng ngừa\n- Phân loại văn bản trước khi xử lý; văn bản có dấu độ mật chỉ\n"
         "được soạn thảo trên máy tính không kết nối Internet.\n- Sử dụng nền tảng AI trong nước đã được phê duyệt cho dữ liệu nội bộ.\n"
         "- Thường xuyên thay đổi mật khẩu, bật xác thực hai yếu tố cho hộp thư công vụ.\n"
         "                                                                    Trang 58\n")
    add(F, t, "allow", [], "PDF training handbook chapter on secrets and AI")

    t = ("Quản trị trí tuệ nhân tạo trong khu vực công: kinh nghiệm quốc tế và hàm ý cho Việt Nam\n"
         "Tóm tắt: Bài viết phân tích khung quản trị AI của một số quốc gia (Singapore, Hàn Quốc, EU), tập trung\n"
         "vào ba vấn đề: phân loại dữ liệu trước khi đưa vào mô hình, trách nhiệm giải trình và kiểm chứng đầu ra.\n"
         "Keywords: AI governance; public sector; data classification; confidentiality.\n"
         "1. Đặt vấn đề\nTheo khảo sát năm 2025 với 1.340 công chức, 61,2% từng dùng chatbot công cộng cho công việc,\n"
         "trong đó 17,8% thừa nhận đã dán văn bản nội bộ chưa được phân loại (Bảng 1). Tỷ lệ này ở cấp xã là\n"
         "23,4%, cao hơn cấp tỉnh (12,9%).\n"
         "Bảng 1. Tỷ lệ sử dụng chatbot theo cấp hành chính (%)\nCấp   n     Có dùng   Dán văn bản nội bộ\n"
         "Tỉnh  512   58,6      12,9\nHuyện 401   60,1      16,5\nXã    427   65,3      23,4\n")
    add(F, t, "allow", [], "PDF research paper with a statistics table")

    t = ("TÓM TẮT BẢN ÁN (đã lược bỏ thông tin cá nhân theo quy định công bố bản án)\n"
         "Bản án số 27/2025/HS-ST ngày 09/5/2025 của Tòa án nhân dân tỉnh Y về tội \"Cố ý làm lộ bí\n"
         "mật nhà nước\"\nBị cáo: Đ., sinh năm 1979, nguyên cán bộ văn thư.\n"
         "Nội dung: trong thời gian từ 2022 đến 2024, bị cáo đã nhiều lần sao chụp tài liệu có độ Mật và\n"
         "Tối mật đang lưu giữ tại cơ quan rồi cung cấp cho đối tượng bên ngoài để nhận tiền.\n"
         "Quyết định: xử phạt bị cáo 05 năm tù; tịch thu số tiền thu lợi bất chính.\n")
    add(F, t, "allow", [], "judgement: anonymised court judgement summary (defendant 'Đ.') is discussion, not a named person's record")

    t = ("Câu hỏi: Văn thư khi vào sổ văn bản điện tử có dấu độ mật thì xử lý thế nào?\n"
         "Trả lời: Theo quy chế của tỉnh, văn bản điện tử có độ mật không được chuyển qua hệ thống quản lý văn bản và\n"
         "điều hành dùng chung. Trường hợp phát hiện văn bản bị gửi nhầm, văn thư báo cáo ngay, xóa khỏi hệ thống và\n"
         "không sửa trường\nĐộ mật trên Hệ thống thành \"Thường\" để tiếp tục luân chuyển.\n")
    add(F, t, "allow", [], "PDF Q&A: 'Độ mật trên Hệ thống' at a line start is prose, not a metadata field")

    t = hardwrap("THÔNG BÁO MỜI THẦU\nBên mời thầu: Ban Quản lý dự án đầu tư xây dựng huyện Sơn Kỳ.\n"
                 "Gói thầu số 03/2025/XL: Xây dựng nhà văn hóa thôn Khe Nứa; giá gói thầu 2.874.000.000 đồng; hình thức "
                 "đấu thầu rộng rãi qua mạng; mã TBMT IB2500417283-00. Thời điểm đóng thầu: 09h00 ngày 28/11/2025.\n"
                 "Hồ sơ mời thầu được phát hành miễn phí trên Hệ thống mạng đấu thầu quốc gia. Hỗ trợ kỹ thuật: tổng đài "
                 "1900 6126.", 80)
    add(F, t, "allow", [], "PDF tender notice: package code, e-procurement code, amount, 1900 number")


# =========================================================================== family: sheet
# Excel / Google Sheets / CSV exports pasted as text.

UNITS = ["Văn phòng", "Phòng Nội vụ", "Phòng Tài chính - KH", "Phòng Tư pháp", "Phòng VH-TT",
         "Phòng TN-MT", "Phòng Kinh tế", "Thanh tra huyện"]
TITLES = ["Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng", "Cán sự", "Kế toán", "Văn thư"]
BANKS = ["Vietcombank", "VietinBank", "BIDV", "Agribank", "Techcombank", "MB Bank", "ACB", "Sacombank"]


def tsv(rows):
    return "\n".join("\t".join(str(c) for c in r) for r in rows)


def csv_(rows, quote_all=False):
    out = []
    for r in rows:
        cells = []
        for c in r:
            c = str(c)
            if quote_all or "," in c or '"' in c:
                c = '"' + c.replace('"', '""') + '"'
            cells.append(c)
        out.append(",".join(cells))
    return "\n".join(out)


def mdtable(rows):
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    for r in rows[1:]:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def fam_sheet():
    F = "sheet"
    # s1 staff list with everything
    rows = [["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "SĐT", "Email", "Phòng/ban"]]
    labs = []
    for i in range(6):
        p = P()
        y = R.randint(1970, 1998)
        c, ph, em = make_cccd(year=y, female=p.female), phone(0), p.email("example.gov.vn", 0)
        rows.append([i + 1, p.name, dob(y), c, ph, em, R.choice(UNITS)])
        labs += [("cccd", c), ("phone", ph), ("email", em)]
    table = tsv(rows)
    t = "Sắp xếp danh sách sau theo phòng ban rồi theo tên (A-Z) giúp mình, giữ nguyên các cột:\n\n" + table + "\n\n(copy từ file DS_CBCC_2025_final_v3.xlsx)"
    add(F, t, "block", [("bulk_personal", table)] + labs, "TSV staff list: CCCD, mobile and e-mail for 6 people")

    # s2 payroll CSV with account numbers
    rows = [["ma_nv", "ho_ten", "chuc_vu", "so_tai_khoan", "ngan_hang", "thuc_linh"]]
    labs = []
    for i in range(5):
        p = P()
        a = bank_account(R.choice([10, 13, 14]), R.choice("123456789"))
        rows.append(["NV%03d" % (i + 11), p.name, R.choice(TITLES), a, R.choice(BANKS),
                     R.choice(["9845000", "12450000", "7630500", "15210000", "8875000"])])
        labs.append(("bank_account", a))
    t = "Tính tổng cột thực lĩnh và kiểm tra giúp dòng nào có số tài khoản bị thiếu chữ số:\n" + csv_(rows)
    add(F, t, "block", labs, "payroll CSV with a so_tai_khoan column (5 personal accounts)")

    # s3 party members with religion and ethnicity
    rows = [["TT", "Họ và tên", "Năm sinh", "Dân tộc", "Tôn giáo", "Ngày vào Đảng", "Chức vụ"]]
    rel_vals = ["Không", "Không", "Phật giáo", "Không", "Công giáo", "Không", "Không"]
    roles = ["Bí thư chi bộ", "Phó Bí thư", "Chi ủy viên", "Đảng viên", "Đảng viên", "Đảng viên", "Đảng viên"]
    for i, rv in enumerate(rel_vals):
        p = P()
        by = R.randint(1955, 1995)
        rows.append([i + 1, p.name, by, R.choice(["Kinh", "Kinh", "Tày", "Mường"]), rv,
                     "%02d/%02d/%d" % (R.randint(1, 28), R.randint(1, 12), min(2024, by + R.randint(22, 35))),
                     roles[i]])
    t = ("ĐẢNG BỘ XÃ ĐỒNG MỚI\nCHI BỘ THÔN 3\n\nDANH SÁCH ĐẢNG VIÊN CHI BỘ (cập nhật 10/2025)\n" + tsv(rows) +
         "\n\nĐếm giúp em số đảng viên theo dân tộc, tôn giáo và theo độ tuổi (dưới 40, 40-60, trên 60) nhé")
    add(F, t, "block", [("sensitive_personal", "Phật giáo"), ("sensitive_personal", "Công giáo")],
        "party-member list with a religion column: religion of named people (ethnicity column alone is not in the policy's block list)")

    # s4 BHXH / BHYT
    rows = [["ho_ten", "ngay_sinh", "ma_so_bhxh", "ma_the_bhyt", "noi_dk_kcb_bd"]]
    labs = []
    for i in range(4):
        p = P()
        while True:
            b = make_bhxh()
            y = make_bhyt_from(b)
            if not looks_like_identifier(only_digits(y)):
                break
        rows.append([p.name, dob(), b, y, R.choice(["TTYT huyện Sơn Kỳ", "BVĐK tỉnh Lam Giang", "PKĐK Hòa Thành"])])
        labs += [("bhxh", b), ("bhyt", y)]
    t = ("Chuyển bảng sau thành bảng markdown, căn giữa cột ngày sinh:\n" + csv_(rows))
    add(F, t, "block", labs, "CSV with social-insurance and health-insurance card numbers")

    # s5 merged-cell noise, CMND column
    rows = [["DANH SÁCH HỘ NHẬN HỖ TRỢ SAU BÃO SỐ 3", "", "", "", ""], ["", "", "", "", ""],
            ["STT", "Họ tên chủ hộ", "Số CMND", "Địa chỉ", "Mức hỗ trợ (đ)"]]
    labs = []
    total = 0
    for i in range(4):
        p = P()
        c = make_cmnd()
        amt = R.choice([3, 5, 10])
        total += amt
        rows.append([i + 1, p.name, c, "Thôn %d, xã Đồng Mới" % R.randint(1, 9), "%d.000.000" % amt])
        labs.append(("cmnd", c))
    rows.append(["", "Cộng", "", "", "%d.000.000" % total])
    t = tsv(rows) + "\n\nviết giúp tờ trình xin bổ sung kinh phí dựa trên danh sách trên"
    add(F, t, "block", labs, "Excel paste with empty merged cells; 9-digit CMND under a 'Số CMND' header")

    # s6 village officials' phones CSV
    rows = [["Họ tên", "Chức danh", "Điện thoại"]]
    labs = []
    for role in ["Bí thư chi bộ", "Trưởng thôn", "Công an viên", "Chi hội trưởng Phụ nữ", "Bí thư Đoàn"]:
        p = P()
        ph = phone(R.choice([0, 2, 5]))
        rows.append([p.name, role, ph])
        labs.append(("phone", ph))
    table = csv_(rows)
    t = "Danh bạ thôn Khe Nứa, định dạng lại thành danh thiếp để in:\n" + table
    add(F, t, "block", [("bulk_personal", table)] + labs, "CSV of five people's mobiles")

    # s7 vaccination list with medical history
    rows = [["STT", "Họ tên", "Năm sinh", "SĐT", "Tiền sử bệnh", "Mũi tiêm"]]
    labs, phs = [], []
    for i, hist in enumerate(["Tăng huyết áp", "Không", "Đái tháo đường type 2", "Hen phế quản"]):
        p = P()
        ph = phone(0)
        rows.append([i + 1, p.name, R.randint(1940, 1960), ph, hist, "Cúm mùa"])
        phs.append(("phone", ph))
        if hist != "Không":
            labs.append(("sensitive_personal", hist))
    table = tsv(rows)
    t = "Nhờ bạn viết tin nhắn nhắc lịch tiêm cho từng người trong bảng dưới:\n" + table
    add(F, t, "block", labs + [("bulk_personal", table)] + phs,
        "elderly vaccination list: named people's medical history plus 4 phones")

    # s8 bonus: personal MST + account
    rows = [["Họ và tên", "MST cá nhân", "Số tài khoản", "Ngân hàng", "Thù lao (đ)"]]
    labs = []
    for i in range(3):
        p = P()
        m = make_mst("8")
        PERSONAL_MST.add(m)
        a = bank_account(R.choice([10, 12, 13]), R.choice("123456789"))
        rows.append([p.name, m, a, R.choice(BANKS), R.choice(["1.500.000", "2.000.000", "3.500.000"])])
        labs += [("mst", m), ("bank_account", a)]
    t = ("Bảng kê chi thù lao báo cáo viên tháng 10 (khấu trừ thuế TNCN 10%):\n" + tsv(rows) +
         "\n=> tính hộ em số thuế khấu trừ và số thực nhận từng người")
    add(F, t, "block", labs, "personal tax codes (start with 8) and bank accounts of named speakers")

    # s9 conference guests e-mails
    rows = [["ho_ten", "don_vi", "email"]]
    labs = []
    for org in ["Sở KH&CN", "Trường ĐH Lam Giang", "Cty CP Phần mềm Sao Mai", "Hội Tin học tỉnh"]:
        p = P()
        em = p.email()
        rows.append([p.name, org, em])
        labs.append(("email", em))
    table = csv_(rows)
    t = "Soạn thư mời chung gửi các khách mời sau, mail merge theo cột ho_ten:\n\n" + table
    add(F, t, "block", [("bulk_personal", table)] + labs, "guest list CSV with four e-mail addresses")

    # s10 criminal records
    rows = [["STT", "Họ tên", "Năm sinh", "Nơi ở", "Tiền án, tiền sự", "Biện pháp quản lý"]]
    labs = []
    recs = ["01 tiền án trộm cắp tài sản (2019)", "02 tiền sự đánh bạc", "01 tiền án mua bán trái phép chất ma túy (2016)"]
    for i, rc in enumerate(recs):
        p = P(female=False)
        rows.append([i + 1, p.name, R.randint(1980, 2000), "Tổ %d, phường Bến Đình" % R.randint(1, 12), rc,
                     "Giao Công an phường quản lý"])
        labs.append(("sensitive_personal", rc))
    t = ("CÔNG AN PHƯỜNG BẾN ĐÌNH\nDanh sách đối tượng cần quản lý, giáo dục tại địa bàn quý IV/2025\n" + tsv(rows) +
         "\n\nviết giúp báo cáo ngắn tổng hợp số đối tượng theo loại tiền án")
    add(F, t, "block", labs, "list of named people with their criminal records")

    # s11 markdown table: drivers with plates and phones
    rows = [["Lái xe", "Biển số", "Điện thoại", "Tuyến"]]
    labs, plates = [], []
    for route in ["Sơn Kỳ - Nậm Khao", "Sơn Kỳ - Tân Phước", "Sơn Kỳ - TP Lam Giang"]:
        p = P(female=False)
        pl, ph = make_plate(), phone(2)
        rows.append([p.name, pl, ph, route])
        labs.append(("phone", ph))
        plates.append(("license_plate", pl))
    table = mdtable(rows)
    t = "Bảng phân công xe đưa đón đại biểu (copy từ Google Sheets):\n" + table + "\nsắp xếp lại theo giờ xuất phát giúp mình"
    add(F, t, "block", [("bulk_personal", table)] + labs + plates,
        "markdown table of three drivers with phones and plates")

    # s12 stamp in the first row of a sheet
    rows = [["MẬT", "", "", "", ""], ["DANH SÁCH TRÍCH NGANG CÁN BỘ QUY HOẠCH BAN THƯỜNG VỤ HUYỆN ỦY", "", "", "", ""],
            ["TT", "Họ và tên", "Năm sinh", "Chức vụ hiện tại", "Trình độ LLCT"]]
    for i in range(5):
        p = P()
        rows.append([i + 1, p.name, R.randint(1970, 1985),
                     R.choice(["Chủ tịch UBND xã", "Phó Trưởng ban Tuyên giáo", "Trưởng phòng Nội vụ", "Bí thư Đảng ủy xã"]),
                     R.choice(["Cao cấp", "Trung cấp"])])
    t = tsv(rows) + "\n\nNhận xét giúp cơ cấu độ tuổi của danh sách trên"
    add(F, t, "block", [("secret_marking", "MẬT")],
        "judgement: the stamp sits alone in cell A1 (line = stamp + trailing tabs): marking position")

    # s13 CSV with quoted commas and apostrophe-forced text CCCD
    rows = [["ho_ten", "cccd", "dia_chi", "ghi_chu"]]
    labs = []
    for i in range(3):
        p = P()
        c = make_cccd(female=p.female)
        rows.append([p.name, "'" + c, "Số %d, ngõ %d, đường Lê Lợi, phường Hòa Thành" % (R.randint(1, 99), R.randint(1, 30)),
                     R.choice(["đã nộp hồ sơ", "thiếu giấy khai sinh", ""])])
        labs.append(("cccd", c))
    t = "Lọc giúp mình các dòng ghi chú còn thiếu giấy tờ:\n" + csv_(rows)
    add(F, t, "block", labs, "CSV with quoted fields; CCCD forced to text with a leading apostrophe")

    # s14 scientific notation + some full CCCDs + phones
    rows = [["Họ tên", "CCCD", "SĐT", "Thôn"]]
    labs, phs = [], []
    for i in range(4):
        p = P()
        c = make_cccd(female=p.female)
        ph = phone(0)
        m, e = ("%.5E" % int(c)).split("E")
        cell = c if i % 2 == 0 else m.rstrip("0").rstrip(".") + "E" + e
        rows.append([p.name, cell, ph, "Thôn %d" % (i + 1)])
        if i % 2 == 0:
            labs.append(("cccd", c))
        phs.append(("phone", ph))
    table = tsv(rows)
    t = "File excel bị lỗi cột CCCD thành dạng 7.9E+11, khôi phục giúp mình được không?\n" + table
    add(F, t, "block", labs + [("bulk_personal", table)] + phs,
        "judgement: CCCD cells mangled into scientific notation are not identifiers; the intact ones and 4 phones are")

    # s15 payroll with spaced account numbers
    rows = [["STT", "Họ tên", "Số tài khoản (Agribank)", "Lương tháng 11"]]
    labs = []
    for i in range(4):
        p = P()
        a = bank_account(13, R.choice("3456789"))
        ag = "%s %s %s" % (a[:4], a[4:8], a[8:])
        rows.append([i + 1, p.name, ag, R.choice(["8.235.000", "10.140.000", "6.980.000"])])
        labs.append(("bank_account", ag))
    t = tsv(rows) + "\nCộng\t\t\t34.525.000\n\nkiểm tra giúp tổng cộng đã đúng chưa"
    add(F, t, "block", labs, "payroll with account numbers written in spaced groups")

    # s16 flood team with phones
    rows = [["Họ và tên", "Nhiệm vụ", "Điện thoại", "Zalo"]]
    labs = []
    for role in ["Chỉ huy trưởng", "Phụ trách sơ tán", "Hậu cần", "Y tế"]:
        p = P()
        ph = phone(2)
        rows.append([p.name, role, ph, "như SĐT"])
        labs.append(("phone", ph))
    table = tsv(rows)
    t = "BAN CHỈ HUY PCTT&TKCN XÃ TÂN PHƯỚC - TỔ XUNG KÍCH\n" + table + "\n\nviết thông báo gửi dân bằng ngôn ngữ dễ hiểu, có số điện thoại để dân gọi"
    add(F, t, "block", [("bulk_personal", table)] + labs, "disaster-response roster: four people's mobiles")

    # s17 students with parents' phones
    rows = [["STT", "Học sinh", "Lớp", "Phụ huynh", "SĐT phụ huynh"]]
    labs = []
    for i in range(5):
        kid, par = P(), P()
        ph = phone(R.choice([0, 1]))
        rows.append([i + 1, kid.name, "6A", par.name, ph])
        labs.append(("phone", ph))
    table = tsv(rows)
    t = "Danh sách học sinh chưa nộp bài, soạn giúp tin nhắn gửi phụ huynh:\n" + table
    add(F, t, "block", [("bulk_personal", table)] + labs, "class list with five parents' phones")

    # s18 poor households with CCCD
    rows = [["STT", "Chủ hộ", "Năm sinh", "Số định danh", "Số khẩu", "Phân loại"]]
    labs = []
    for i in range(5):
        p = P()
        y = R.randint(1950, 1990)
        c = make_cccd(year=y, female=p.female)
        rows.append([i + 1, p.name, y, c, R.randint(2, 7), R.choice(["Hộ nghèo", "Hộ cận nghèo"])])
        labs.append(("cccd", c))
    t = "Rà soát hộ nghèo năm 2025 - thôn Đồng Mới\n" + tsv(rows) + "\nTổng hợp giúp số hộ nghèo, cận nghèo và tổng số khẩu"
    add(F, t, "block", labs, "poor-household list with five CCCD numbers")

    # s19 accounts with initial passwords
    rows = [["Họ tên", "Tài khoản", "Mật khẩu khởi tạo", "Hệ thống"]]
    labs = []
    for sysname in ["Một cửa điện tử", "Một cửa điện tử", "QLVB&ĐH", "Hộp thư công vụ"]:
        p = P()
        acc = p.ascii[2] + "." + "".join(x[0] for x in p.ascii[:2])
        pw = token(3, "ABCDEFGHJKLMNPQRSTUVWXYZ") + "@" + token(6, "abcdefghijkmnpqrstuvwxyz23456789")
        rows.append([p.name, acc, pw, sysname])
        labs.append(("credential", pw))
    t = "Danh sách cấp tài khoản mới (yêu cầu đổi mật khẩu lần đầu):\n" + tsv(rows) + "\nviết giúp email hướng dẫn đăng nhập lần đầu"
    add(F, t, "block", labs, "account sheet with initial passwords written out in a 'Mật khẩu' column")

    # ---------------------------------------------------------------- warn
    rows = [["Phòng/ban", "Trưởng phòng", "Số người", "Phòng làm việc"]]
    for u in UNITS[:6]:
        rows.append([u, P().name, R.randint(3, 12), "P.%d0%d" % (R.randint(1, 4), R.randint(1, 9))])
    p = P()
    em = p.email("example.gov.vn", 1)
    t = tsv(rows) + "\n\nĐầu mối tổng hợp: %s (%s)\n\nvẽ giúp sơ đồ tổ chức từ bảng trên" % (p.name, em)
    add(F, t, "warn", [("email", em)], "org table (names and titles only) plus one focal e-mail")

    rows = [["Doanh nghiệp", "Mã số thuế", "Ngành nghề", "Lao động"]]
    labs = []
    for name, ind in [("Cty TNHH May Hòa Thành", "May mặc"), ("Cty CP Gỗ Lam Giang", "Chế biến gỗ"),
                      ("Cty TNHH Điện tử Sao Việt", "Lắp ráp linh kiện"), ("Cty CP Thực phẩm Đồng Xanh", "Thực phẩm"),
                      ("Chi nhánh Cty CP Bao bì Kim Hà", "Bao bì")]:
        m = make_mst(R.choice(["01", "23", "27", "03"]))
        if name.startswith("Chi nhánh"):
            m = m + "-001"
        rows.append([name, m, ind, R.randint(80, 1500)])
        labs.append(("mst", m))
    t = "KCN Tân Phước - danh sách doanh nghiệp đang hoạt động:\n" + tsv(rows) + "\nphân loại giúp theo ngành và tính tổng lao động"
    add(F, t, "warn", labs, "business tax codes (one branch form -001): warn, not block")

    rows = [["Biển số", "Loại xe", "Năm SX", "Đơn vị sử dụng", "Km đã chạy"]]
    labs = []
    for i in range(4):
        pl = make_plate()
        rows.append([pl, R.choice(["Toyota Innova 7 chỗ", "Ford Transit 16 chỗ", "Mitsubishi Pajero", "Xe bán tải Ranger"]),
                     R.randint(2012, 2022), R.choice(["Văn phòng UBND", "Huyện ủy", "Phòng TN-MT"]), "%d.%03d" % (R.randint(40, 250), R.randint(0, 999))])
        labs.append(("license_plate", pl))
    t = "Danh sách xe công cần rà soát sắp xếp theo Nghị định 72/2023/NĐ-CP:\n" + tsv(rows) + "\nđề xuất giúp xe nào nên thanh lý"
    add(F, t, "warn", labs, "agency vehicle list: plates only")

    # ---------------------------------------------------------------- allow
    rows = [["Chương", "Loại", "Khoản", "Mục", "Tiểu mục", "Nội dung", "Dự toán 2026 (đồng)"],
            ["418", "340", "341", "6000", "6001", "Lương ngạch bậc", "4.215.360.000"],
            ["418", "340", "341", "6100", "6101", "Phụ cấp chức vụ", "312.480.000"],
            ["418", "340", "341", "6300", "6301", "Bảo hiểm xã hội", "741.903.000"],
            ["418", "340", "341", "6500", "6501", "Tiền điện", "186.000.000"],
            ["418", "340", "341", "7000", "7006", "Sách, tài liệu chuyên môn", "45.500.000"],
            ["", "", "", "", "", "Tổng cộng", "5.501.243.000"]]
    t = "Kiểm tra giúp cộng dọc có đúng không:\n" + tsv(rows)
    add(F, t, "allow", [], "budget estimate with budget-classification codes and large amounts")

    rows = [["don_vi", "dan_so_2024", "dien_tich_km2", "mat_do_nguoi_km2", "so_ho"],
            ["TP Lam Giang", "214530", "86,5", "2480", "61204"], ["Huyện Sơn Kỳ", "118742", "612,3", "194", "31877"],
            ["Huyện Phước Lộc", "97311", "540,8", "180", "25903"], ["Huyện Nậm Khao", "52109", "1271,0", "41", "11388"]]
    t = "Vẽ biểu đồ cột mật độ dân số từ dữ liệu CSV:\n" + csv_(rows)
    add(F, t, "allow", [], "population statistics CSV (mat_do = density)")

    rows = [["STT", "Họ và tên", "Chức vụ", "Đơn vị"]]
    for i in range(8):
        rows.append([i + 1, P().name, R.choice(TITLES), R.choice(UNITS)])
    t = "Danh sách đoàn công tác đi học tập kinh nghiệm (không cần thông tin liên hệ):\n" + tsv(rows) + "\nchia giúp 2 xe, mỗi xe 4 người, ưu tiên cùng đơn vị"
    add(F, t, "allow", [], "names, titles and units only: no identifier or contact detail")

    rows = [["TT", "Họ tên", "Hệ số lương", "PC chức vụ", "Thực lĩnh"]]
    for i in range(5):
        rows.append([i + 1, P().name, R.choice(["2,34", "2,67", "3,00", "3,33", "4,40"]), R.choice(["0", "0,2", "0,3"]),
                     R.choice(["5.876.000", "6.912.400", "7.458.300", "9.120.000"])])
    t = "Bảng lương tháng 11 (bản rút gọn, không có số tài khoản):\n" + tsv(rows) + "\ngiải thích giúp cách tính lương theo hệ số với mức lương cơ sở 2.340.000đ"
    add(F, t, "allow", [], "judgement: salary figures of named staff without account numbers are not in any block/warn rule")

    rows = [["Mã tài sản", "Tên thiết bị", "Số serial", "Năm mua", "Tình trạng"],
            ["TS-CNTT-0041", "Máy tính để bàn Dell OptiPlex 3080", "SN: 7HXK2M3", "2021", "Tốt"],
            ["TS-CNTT-0042", "Máy in HP LaserJet M404dn", "SN: VNB4K21187", "2020", "Kẹt giấy"],
            ["TS-CNTT-0057", "Bộ phát Wi-Fi TP-Link EAP225", "SN: 22390B4001A7", "2022", "Tốt"],
            ["TS-CNTT-0063", "Máy scan Canon DR-C230", "SN: GX7031884", "2019", "Hỏng đèn"]]
    t = "Lập kế hoạch bảo trì thiết bị theo danh sách:\n" + tsv(rows)
    add(F, t, "allow", [], "equipment inventory with asset codes and serial numbers")

    rows = [["SBD", "Họ tên", "Ngày sinh", "Toán", "Văn", "Anh", "Tổng"]]
    for i in range(6):
        p = P()
        a, b_, c = R.randint(40, 100) / 10.0, R.randint(40, 100) / 10.0, R.randint(30, 100) / 10.0
        rows.append(["LG%05d" % (1200 + i * 7), p.name, dob(2010), a, b_, c, round(a + b_ + c, 1)])
    t = "Kết quả thi thử vào lớp 10, xếp hạng giúp từ cao xuống thấp:\n" + tsv(rows)
    add(F, t, "allow", [], "mock-exam results: candidate numbers, birth dates, scores")


def make_bhyt_from(b):
    return R.choice(["DN", "HC", "GD", "CH"]) + R.choice("1234") + b[:2] + b


# =========================================================================== family: minutes

def minutes(title, when, where, chair, secr, members, content, end="16h30"):
    return ("BIÊN BẢN\n%s\n\nThời gian: bắt đầu lúc %s\nĐịa điểm: %s\nChủ trì: đồng chí %s\nThư ký: đồng chí %s\n"
            "Thành phần: %s\n\nNỘI DUNG\n%s\n\nCuộc họp kết thúc lúc %s cùng ngày. Biên bản đã được thông qua trước "
            "các thành viên dự họp và nhất trí 100%%.\n\n      THƯ KÝ                                CHỦ TRÌ\n"
            "   %s                       %s\n" % (title, when, where, chair, secr, members, content, end, secr, chair))


def fam_minutes():
    F = "minutes"
    chair, secr = P(), P(True)
    num = "05-BB/CB"
    t = ("Viết lại biên bản này cho gọn, giữ các ý kiến phát biểu:\n\n"
         + phead("ĐẢNG BỘ SỞ TÀI CHÍNH", "CHI BỘ PHÒNG QUẢN LÝ NGÂN SÁCH", num, "Lam Giang", vdate(14, 11),
                 after=["MẬT", ""])
         + minutes("Họp chi bộ xét giới thiệu nhân sự quy hoạch Trưởng phòng nhiệm kỳ 2026 - 2031",
                   "14h00 ngày 14/11/2025", "Phòng họp tầng 2, Sở Tài chính", chair.name, secr.name,
                   "09/09 đảng viên chính thức",
                   "1. Đồng chí Bí thư quán triệt quy trình giới thiệu nhân sự theo hướng dẫn của Đảng ủy Sở.\n"
                   "2. Chi bộ bỏ phiếu kín giới thiệu nhân sự: đồng chí %s đạt 7/9 phiếu (77,8%%); đồng chí %s đạt 2/9 phiếu.\n"
                   "3. Ý kiến: đồng chí %s đề nghị xem xét thêm về kinh nghiệm quản lý của nhân sự thứ hai."
                   % (P().name, P().name, P().name)))
    add(F, t, "block", [("secret_marking", "MẬT"), ("party_doc_number", num)],
        "Party-cell personnel minutes with MẬT below the number")

    chair, secr, subj = P(), P(), P(female=False)
    sens = "dương tính với ma túy tổng hợp (methamphetamine)"
    t = minutes("Họp Hội đồng kỷ luật viên chức - Trung tâm Dịch vụ nông nghiệp huyện",
                "8h30 ngày 02/12/2025", "Phòng họp Trung tâm", chair.name, secr.name, "05/05 thành viên Hội đồng; viên chức bị xem xét kỷ luật",
                "1. Thư ký đọc báo cáo xác minh: ngày 18/11/2025, viên chức %s được Công an huyện test nhanh và xét nghiệm "
                "khẳng định %s; đương sự thừa nhận đã sử dụng tại một quán karaoke.\n"
                "2. Ý kiến của viên chức: xin được giảm nhẹ hình thức kỷ luật do vi phạm lần đầu, gia đình khó khăn.\n"
                "3. Hội đồng bỏ phiếu: 4/5 phiếu đề nghị hình thức buộc thôi việc; 1/5 phiếu cảnh cáo." % (subj.name, sens),
                "10h15") + "\n--\nnhờ AI soạn quyết định kỷ luật theo biên bản trên"
    add(F, t, "block", [("sensitive_personal", sens)], "disciplinary minutes: named employee's drug-test result")

    chair = P()
    att = []
    labs = []
    for org in ["Sở Xây dựng", "Sở Tài chính", "UBND huyện Sơn Kỳ", "Cty CP Tư vấn Thiết kế Trường Sơn"]:
        p = P()
        ph = phone(R.choice([1, 2]))
        att.append("- %s %s (%s), ĐT: %s" % ("Bà" if p.female else "Ông", p.name, org, ph))
        labs.append(("phone", ph))
    region = "\n".join(att)
    t = ("BIÊN BẢN LÀM VIỆC\nV/v thống nhất phương án thiết kế cầu Khe Nứa\n\nHôm nay, ngày 21/10/2025, tại UBND huyện Sơn Kỳ, chúng tôi gồm:\n"
         + region + "\n\nCác bên thống nhất:\n1. Điều chỉnh khẩu độ cầu từ 24 m lên 33 m để bảo đảm thoát lũ.\n"
           "2. Đơn vị tư vấn hoàn thiện hồ sơ thiết kế trước 15/11/2025.\n3. Chi phí phát sinh do điều chỉnh thiết kế không vượt 5% tổng mức đầu tư.\n\n"
           "Biên bản lập thành 04 bản, mỗi bên giữ 01 bản.\n\n=> viết giúp email gửi các bên kèm tóm tắt nội dung")
    add(F, t, "block", [("bulk_personal", region)] + labs, "working minutes with four participants' phones")

    p = P()
    cc, ph = make_cccd(year=R.randint(1955, 1975), female=p.female), phone(0)
    t = minutes("Đối thoại với hộ gia đình có đất bị thu hồi - Dự án mở rộng Quốc lộ 37",
                "9h00 ngày 07/11/2025", "Nhà văn hóa thôn Đồng Mới", P().name, P().name,
                "Đại diện UBND huyện, Trung tâm Phát triển quỹ đất, UBND xã; hộ gia đình",
                "Người được đối thoại: %s %s, CCCD số %s, điện thoại %s, trú tại thôn Đồng Mới.\n"
                "1. Ý kiến của hộ gia đình: không đồng ý đơn giá bồi thường cây keo 3 năm tuổi (32.000 đồng/cây), đề nghị "
                "áp dụng đơn giá 45.000 đồng/cây như dự án lân cận.\n"
                "2. Trung tâm Phát triển quỹ đất giải thích căn cứ áp dụng đơn giá theo Quyết định của UBND tỉnh.\n"
                "3. Kết luận: giao Trung tâm kiểm đếm lại số cây, báo cáo trước 15/11/2025." % ("Bà" if p.female else "Ông", p.name, cc, ph),
                "11h00")
    add(F, t, "block", [("cccd", cc), ("phone", ph)], "dialogue minutes recording a citizen's CCCD and phone")

    pw = "Lg" + token(6) + "@" + str(R.randint(10, 99))
    cred = "mật khẩu: " + pw
    t = minutes("Họp Tổ biên tập Trang thông tin điện tử xã",
                "15h00 ngày 30/9/2025", "Phòng làm việc Văn phòng - Thống kê", P().name, P().name, "05 thành viên Tổ biên tập",
                "1. Thống nhất lịch đăng tin: thứ Hai, thứ Tư, thứ Sáu hằng tuần.\n"
                "2. Bàn giao quản trị Zalo OA của xã từ đồng chí văn thư sang đồng chí công chức văn hóa: tài khoản quản trị "
                "zalo.oa.tanphuoc, %s, số điện thoại nhận OTP là số máy cơ quan.\n"
                "3. Tổ biên tập rà soát tin bài trước khi đăng, không đăng văn bản chưa được phép công khai." % cred)
    add(F, t, "block", [("credential", cred)], "meeting minutes that record a password for a shared account")

    # ---------------------------------------------------------------- warn
    num = "07-BB/CB"
    chair, secr = P(), P()
    t = (phead("ĐẢNG BỘ XÃ TÂN PHƯỚC", "CHI BỘ THÔN ĐỒNG MỚI", num, "Tân Phước", vdate(5, 12))
         + minutes("Sinh hoạt chi bộ thường kỳ tháng 12/2025", "19h30 ngày 05/12/2025", "Nhà văn hóa thôn",
                   chair.name, secr.name, "17/19 đảng viên (02 đồng chí vắng có lý do)",
                   "1. Đánh giá kết quả thực hiện nghị quyết tháng 11: hoàn thành bê tông hóa 320 m đường thôn; thu quỹ "
                   "khuyến học đạt 92%.\n2. Phương hướng tháng 12: vận động nhân dân đón Tết an toàn, vệ sinh môi trường, "
                   "phòng chống cháy rừng.\n3. Chi bộ thống nhất đề nghị Đảng ủy xã xem xét kết nạp 01 quần chúng ưu tú.", "21h15")
         + "\n\nchuyển giúp sang dạng báo cáo tháng gửi Đảng ủy")
    add(F, t, "warn", [("party_doc_number", num)], "routine Party-cell minutes: internal Party header, no stamp")

    t = ("XONG HỘI NGHỊ TRẢ LẠI\n\n"
         + minutes("Hội nghị giao ban khối Nội chính quý III/2025", "8h00 ngày 08/10/2025", "Hội trường Huyện ủy",
                   P().name, P().name, "Lãnh đạo Công an, Viện kiểm sát, Tòa án, Thi hành án, Thanh tra huyện",
                   "1. Công an huyện báo cáo: tội phạm về trật tự xã hội giảm 8%; tai nạn giao thông giảm 2 vụ.\n"
                   "2. Viện kiểm sát: tỷ lệ giải quyết tin báo đạt 94%.\n3. Kết luận của đồng chí chủ trì: tăng cường phối hợp giải "
                   "quyết đơn thư tồn đọng, không để phát sinh điểm nóng.", "11h30"))
    add(F, t, "warn", [("circulation_mark", "XONG HỘI NGHỊ TRẢ LẠI")],
        "judgement: 'XONG HỘI NGHỊ TRẢ LẠI' (wording unconfirmed) treated as a circulation note")

    secr = P(True)
    ph = phone(2)
    t = minutes("Họp Ban tổ chức Giải chạy \"Vì sức khỏe cộng đồng\" năm 2025", "14h00 ngày 10/9/2025", "Phòng họp Trung tâm VH-TT-TT",
                P().name, secr.name, "Đại diện các phòng, ban, đoàn thể",
                "1. Thống nhất cự ly 5 km và 10 km; xuất phát 6h00 Chủ nhật 28/9 tại Quảng trường.\n"
                "2. Mọi đăng ký của vận động viên gửi về thư ký Ban tổ chức (chị %s, điện thoại %s) trước ngày 20/9.\n"
                "3. Trung tâm Y tế bố trí 02 xe cứu thương và 04 điểm tiếp nước." % (secr.given, ph))
    add(F, t, "warn", [("phone", ph)], "minutes with the secretary's one mobile")

    m = make_mst(R.choice(["01", "27"]))
    pl = make_plate()
    t = minutes("Nghiệm thu hoàn thành hạng mục sân bê tông Trường Mầm non Hoa Sen", "9h00 ngày 16/10/2025", "Trường Mầm non Hoa Sen",
                P().name, P().name, "Chủ đầu tư, tư vấn giám sát, nhà thầu thi công",
                "Nhà thầu: Công ty TNHH Xây dựng Minh Phú Kim Hà, mã số thuế %s.\n"
                "1. Khối lượng thực hiện: 612 m2 sân bê tông mác 250, dày 10 cm; đúng thiết kế.\n"
                "2. Vật liệu do xe tải %s của nhà thầu vận chuyển, có phiếu xuất kho kèm theo.\n"
                "3. Kết luận: đồng ý nghiệm thu đưa vào sử dụng." % (m, pl), "10h30")
    add(F, t, "warn", [("mst", m), ("license_plate", pl)], "acceptance minutes: contractor tax code and a truck plate")

    # ---------------------------------------------------------------- allow
    t = minutes("Họp tổ dân phố số 5 về thu gom rác thải", "19h00 ngày 12/8/2025", "Nhà văn hóa tổ dân phố số 5",
                "Tổ trưởng", "Tổ phó", "48 hộ dân",
                "1. Từ 01/9/2025 thay đổi giờ thu gom rác từ 17h sang 19h - 20h hằng ngày.\n"
                "2. Mức thu phí vệ sinh giữ nguyên 30.000 đồng/hộ/tháng; hộ kinh doanh 60.000 đồng.\n"
                "3. Các hộ phân loại rác hữu cơ riêng; rác cồng kềnh tập kết vào Chủ nhật cuối tháng.\n"
                "4. Nhiều ý kiến đề nghị lắp thêm đèn chiếu sáng ngõ 12 và ngõ 18.", "20h30")
    add(F, t, "allow", [], "neighbourhood minutes, roles instead of names, no personal data")

    t = minutes("Buổi tập huấn \"Sử dụng AI an toàn trong cơ quan hành chính\"", "8h00 ngày 22/10/2025", "Hội trường UBND huyện",
                "Giám đốc Trung tâm Chuyển đổi số", "Chuyên viên Trung tâm", "86 cán bộ, công chức các phòng, ban và xã",
                "1. Báo cáo viên trình bày rủi ro khi dán văn bản vào chatbot công cộng; nhấn mạnh văn bản có dấu Mật, Tối mật, "
                "Tuyệt mật tuyệt đối không được đưa lên, kể cả khi đã xóa bớt tên người.\n"
                "2. Hỏi đáp: học viên hỏi văn bản \"Lưu hành nội bộ\" có được dùng AI tóm tắt không; báo cáo viên trả lời phải xin "
                "ý kiến lãnh đạo đơn vị và ưu tiên nền tảng trong nước được phê duyệt.\n"
                "3. Thực hành: tóm tắt một thông báo công khai; kiểm tra lại số liệu do AI tạo ra.", "11h00")
    add(F, t, "allow", [], "training minutes discussing the stamps inside sentences")

    t = minutes("Họp phụ huynh học sinh lớp 3A đầu năm học 2025 - 2026", "8h00 Chủ nhật 14/9/2025", "Phòng học lớp 3A",
                "Giáo viên chủ nhiệm", "Trưởng ban đại diện cha mẹ học sinh", "31/35 phụ huynh",
                "1. Giáo viên chủ nhiệm thông báo kết quả năm học trước và kế hoạch năm học mới.\n"
                "2. Thống nhất các khoản thu theo quy định; không thu quỹ lớp ngoài danh mục.\n"
                "3. Phụ huynh đề nghị nhà trường tăng cường giáo dục kỹ năng an toàn trên mạng, dạy các cháu giữ bí mật mật "
                "khẩu tài khoản học trực tuyến.", "9h30")
    add(F, t, "allow", [], "parents' meeting minutes; 'mật khẩu' without a value")


# =========================================================================== family: email

def sig(p, title, org, ph=None, em=None, prefix=""):
    lines = ["--", "Trân trọng,", p.name, title, org]
    c = []
    if ph:
        c.append("ĐT: " + ph)
    if em:
        c.append("Email: " + em)
    if c:
        lines.append(" | ".join(c))
    return "\n".join(prefix + x for x in lines)


def quote(text, prefix="> "):
    return "\n".join((prefix + x) if x else prefix.rstrip() for x in text.split("\n"))


def fam_email():
    F = "email"
    # e1 Outlook thread with 4 people in headers/signature
    a, b, c, d = P(), P(), P(), P()
    pa = phone(1)
    ea, eb, ec, ed = a.email("example.gov.vn", 0), b.email("example.gov.vn", 0), c.email("example.gov.vn", 0), d.email("example.vn", 2)
    top = ("Dạ em gửi lại bảng tổng hợp đã sửa theo ý kiến của chị ạ. Phần kinh phí em để nguyên theo dự toán cũ.\n\n"
           + sig(a, "Chuyên viên Phòng Kế hoạch - Tài chính", "Sở Nông nghiệp và Môi trường", pa))
    quoted = ("From: %s <%s>\nSent: Thursday, November 13, 2025 9:41 AM\nTo: %s <%s>\nCc: %s <%s>; %s <%s>\n"
              "Subject: RE: Tổng hợp nhu cầu kinh phí năm 2026\n\n"
              "Em rà lại giúp chị mục 3, số liệu chưa khớp với báo cáo của Chi cục nhé.\n" % (b.name, eb, a.name, ea, c.name, ec, d.name, ed))
    t = "viết giúp em email trả lời lịch sự hơn, nội dung như dưới:\n\n" + top + "\n\n" + quoted
    region = t[t.index(pa):t.index(ed) + len(ed)]
    add(F, t, "block", [("bulk_personal", region), ("phone", pa), ("email", eb), ("email", ea), ("email", ec), ("email", ed)],
        "Outlook thread: signature phone plus From/To/Cc addresses of four people")

    # e2 Gmail thread with three signatures in nested quotes
    a, b, c = P(), P(), P()
    pa, pb, pc = phone(2), phone(1), phone(0)
    m3 = "Gửi anh chị lịch kiểm tra thực địa tuần sau, đề nghị các đơn vị cử người tham gia.\n\n" + sig(c, "Phó Chánh Văn phòng", "UBND huyện Sơn Kỳ", pc)
    m2 = ("Phòng TN-MT cử 02 người, anh bố trí xe giúp nhé.\n\n" + sig(b, "Trưởng phòng TN-MT", "UBND huyện Sơn Kỳ", pb)
          + "\n\nVào Th 2, 10 thg 11, 2025 lúc 08:12 %s đã viết:\n" % c.name + quote(m3))
    t = ("Bên em đã bố trí 01 xe 7 chỗ, xuất phát 7h00 tại cổng UBND.\n\n" + sig(a, "Đội trưởng Đội xe", "Văn phòng HĐND-UBND huyện", pa)
         + "\n\nVào Th 2, 10 thg 11, 2025 lúc 09:30 %s đã viết:\n" % b.name + quote(m2))
    region = t[t.index(pa):t.index(pc) + len(pc)]
    add(F, t, "block", [("bulk_personal", region), ("phone", pa), ("phone", pb), ("phone", pc)],
        "Gmail thread with > and > > quoting: three people's signatures with mobiles")

    # e3 reimbursement with account
    p = P()
    acct = bank_account(R.choice([10, 12, 13]), R.choice("19"))
    t = ("Subject: Hoàn ứng tiền mua văn phòng phẩm hội nghị\n\nChị Lan kế toán ơi,\n"
         "Em đã tạm ứng mua văn phòng phẩm cho hội nghị tổng kết hết 1.845.000đ (hóa đơn em gửi bản scan kèm theo). "
         "Chị chuyển hoàn giúp em vào STK %s - Techcombank - chủ TK %s nhé. Em cảm ơn chị!\n\n%s\nVăn phòng Sở"
         % (acct, fold(p.name).upper(), p.name))
    add(F, t, "block", [("bank_account", acct)], "e-mail asking for a refund to a personal account (STK + bank)")

    # e4 HR note about health
    p = P(True)
    sens = "trầm cảm nặng, đang điều trị nội trú tại Bệnh viện Tâm thần tỉnh"
    t = ("Subject: [Nội bộ] Bố trí công việc cho đồng chí %s\n\nKính gửi anh Trưởng phòng,\n"
         "Phòng Tổ chức nhận được hồ sơ của gia đình đồng chí %s cho biết đồng chí bị %s từ ngày 20/10. "
         "Đề nghị phòng phân công người làm thay phần việc tiếp nhận hồ sơ đất đai đến hết tháng 12, và giữ kín thông tin "
         "này trong phạm vi lãnh đạo phòng.\n\nPhòng Tổ chức - Hành chính\n\n(nhờ AI viết lại cho mềm mỏng hơn)" % (p.name, p.name, sens))
    add(F, t, "block", [("sensitive_personal", sens)], "HR e-mail revealing a named employee's mental-health treatment")

    # e5 login details
    p = P(False)
    pw = token(4, "ABCDEFGHJKLMNPQRSTUVWXYZ") + token(4, "abcdefghijkmnpqrstuvwxyz") + "#" + rdig(2)
    cred = "Password: " + pw
    t = ("From: Bộ phận CNTT\nSubject: Thông tin đăng nhập hệ thống báo cáo thống kê\n\nChào anh %s,\n"
         "Hệ thống đã tạo tài khoản cho anh như sau:\nĐịa chỉ: https://baocao.example.gov.vn\nUsername: %s\n%s\n"
         "Anh đăng nhập và đổi mật khẩu ngay trong lần đầu sử dụng.\n\nTrân trọng." % (p.given, p.ascii[2] + p.ascii[0], cred))
    add(F, t, "block", [("credential", cred)], "account e-mail with the initial password written out")

    # e6 passport for flight booking
    p = P()
    pp = make_passport()
    t = ("Subject: Đặt vé đoàn đi Singapore\n\nChào bạn đại lý,\nNhờ bạn giữ chỗ chuyến SQ 185 ngày 02/12 cho đồng chí %s, "
         "ngày sinh %s, số hộ chiếu %s, hết hạn 15/08/2031. Hóa đơn xuất cho Sở Công Thương tỉnh Kim Hà.\n"
         "Cảm ơn bạn.\n\nPhòng Hợp tác quốc tế\n\n[nhờ dịch email này sang tiếng Anh]" % (p.name, dob(1979), pp))
    add(F, t, "block", [("passport", pp)], "flight booking e-mail with a passport number")

    # e7 new employee CCCD + BHXH
    p = P()
    cc, bh = make_cccd(year=R.randint(1995, 2002), female=p.female), make_bhxh()
    t = ("Subject: Hồ sơ tham gia BHXH - nhân sự mới tháng 11\n\nGửi chị phụ trách BHXH,\nEm gửi thông tin nhân sự mới để làm thủ tục:\n"
         "- Họ tên: %s\n- Ngày sinh: %s\n- CCCD: %s\n- Mã số BHXH (đã có từ công ty cũ): %s\n- Hợp đồng làm việc từ 01/11/2025, "
         "hệ số lương 2,34.\nChị kiểm tra giúp em mức đóng nhé.\n\nEm Thảo - Phòng TCHC" % (p.name, dob(cccd_year(cc)), cc, bh))
    add(F, t, "block", [("cccd", cc), ("bhxh", bh)], "HR e-mail with a new employee's CCCD and social-insurance number")

    # e8 forwarded secret document
    em = "vanthu.sotc@example.gov.vn"
    num = "289/BC-STC"
    t = ("---------- Forwarded message ---------\nFrom: Văn thư Sở Tài chính <%s>\nDate: Fri, 17 Oct 2025 at 16:05\n"
         "Subject: Báo cáo số %s\nTo: Phòng Ngân sách\n\n" % (em, num)
         + "TỐI MẬT\n\nSỞ TÀI CHÍNH TỈNH LAM GIANG\nSố: %s\n\nBÁO CÁO\nPhương án xử lý khoản nợ đọng xây dựng cơ bản của các dự án "
           "thuộc danh mục bảo đảm quốc phòng - an ninh\n\n1. Tổng số nợ đọng đến 30/9/2025: 412,6 tỷ đồng tại 09 dự án.\n"
           "2. Đề xuất bố trí 180 tỷ đồng từ nguồn tăng thu năm 2025...\n\n-- \nanh xem tóm tắt giúp em 3 ý chính" % num)
    add(F, t, "block", [("secret_marking", "TỐI MẬT"), ("state_doc_number", num), ("email", em)],
        "forwarded message whose body starts with the TỐI MẬT stamp")

    # e9 VietQR payload
    acct = bank_account(13, "1")
    qr = make_vietqr("970415", acct, "1500000", "HOI NGHI KHCN 2025")
    t = ("Subject: Thông báo phí tham dự Hội nghị Khoa học công nghệ 2025\n\nKính gửi Quý đại biểu,\nBan tổ chức xin gửi mã QR chuyển khoản "
         "phí tham dự (1.500.000 đồng/người). Nếu ứng dụng ngân hàng không quét được ảnh, Quý vị có thể dán chuỗi sau vào mục "
         "\"Dán mã QR\":\n%s\n\nBan tổ chức Hội nghị" % qr)
    add(F, t, "block", [("vietqr", qr)], "e-mail with a VietQR payload (correct CRC)")

    # ---------------------------------------------------------------- warn
    p = P()
    ph, em = phone(1), p.email("example.gov.vn", 0)
    t = ("Kính gửi Quý Công ty,\nSở Văn hóa, Thể thao và Du lịch tỉnh Đông Lâm đề nghị Quý Công ty gửi báo giá dịch vụ tổ chức "
         "Lễ hội Hoa Ban năm 2026 (sân khấu ngoài trời, âm thanh ánh sáng, 02 đêm) trước ngày 28/11/2025.\n\n"
         + sig(p, "Phó Trưởng phòng Quản lý Văn hóa", "Sở VHTTDL tỉnh Đông Lâm", ph, em)
         + "\n\n(dịch giúp sang tiếng Anh để gửi nhà tài trợ)")
    add(F, t, "warn", [("phone", ph), ("email", em)], "one sender's signature block (phone + e-mail)")

    a, b = P(False), P()
    pa, ea, pb = phone(2), a.email("example.gov.vn", 1), phone(0)
    m1 = "Anh cho em xin số liệu tiêm chủng tháng 10 để tổng hợp nhé.\n\n" + sig(b, "Chuyên viên", "Phòng Y tế huyện", pb)
    t = ("Số liệu tháng 10 em gửi anh trong file đính kèm: tiêm đủ mũi 97,2%, còn 14 trẻ hoãn tiêm.\n\n"
         + sig(a, "Phụ trách Tiêm chủng mở rộng", "Trung tâm Y tế huyện", pa, ea)
         + "\n\nOn Mon, Nov 3, 2025 at 10:02 AM %s wrote:\n" % b.name + quote(m1))
    add(F, t, "warn", [("phone", pa), ("email", ea), ("phone", pb)],
        "reply with a quoted message: contact details of two people only (below the bulk threshold)")

    m = make_mst(R.choice(["01", "23", "46"]))
    t = ("Subject: Đề nghị xuất hóa đơn\n\nChào anh chị Phòng Kinh doanh,\nNhờ anh chị xuất hóa đơn điện tử cho hợp đồng tổ chức hội nghị "
         "như sau:\nTên đơn vị: Công ty CP Du lịch Sông Lam\nMã số thuế: %s\nĐịa chỉ: 45 Nguyễn Du, TP Lam Giang\nSố tiền: "
         "38.500.000 đồng (đã gồm VAT)\n\nCảm ơn anh chị." % m)
    add(F, t, "warn", [("mst", m)], "invoice request with a company tax code")

    em = "vanphong.ubnd@example.gov.vn"
    num = "1930/UBND-NN"
    t = ("Fwd: Công văn hỏa tốc về chống hạn\n\n---------- Forwarded message ---------\nFrom: Văn phòng UBND tỉnh <%s>\n"
         "Subject: Công văn số %s\n\nUBND TỈNH PHÚ KHANG\nSố: %s\nHỎA TỐC\nV/v triển khai các biện pháp cấp bách phòng, chống hạn hán, "
         "xâm nhập mặn\n\nKính gửi: UBND các huyện, thị xã, thành phố\nDự báo từ tháng 3 đến tháng 5/2026, lượng mưa thiếu hụt 30 - 50%% "
         "so với trung bình nhiều năm...\n\n[tóm tắt giúp em các việc cấp huyện phải làm]" % (em, num, num))
    add(F, t, "warn", [("urgency_mark", "HỎA TỐC"), ("state_doc_number", num), ("email", em)],
        "forwarded letter with HỎA TỐC on its own line; one sender address")

    t = ("Subject: Bản tin nội bộ số 10/2025\n\nKính gửi toàn thể cán bộ, công chức,\nBan biên tập trân trọng gửi Bản tin nội bộ tháng 10:\n"
         "- Kết quả Hội thi Cán bộ một cửa thân thiện;\n- Gương điển hình: Tổ công nghệ số cộng đồng xã Tân Phước;\n"
         "- Chuyên mục hỏi đáp về chế độ nghỉ phép năm.\n\nMọi góp ý xin gửi Văn phòng Sở.\n\nLƯU HÀNH NỘI BỘ")
    add(F, t, "warn", [("circulation_mark", "LƯU HÀNH NỘI BỘ")], "internal newsletter with the circulation note as the last line")

    drv = P(False)
    pl, ph = make_plate(), phone(2)
    t = ("Subject: Xác nhận xe đón đoàn kiểm tra\n\nKính gửi Văn phòng Sở,\nĐội xe xác nhận bố trí xe Ford Transit biển số %s đón đoàn "
         "tại sân bay lúc 10h15 ngày 18/11. Lái xe: anh %s, điện thoại %s.\n\nĐội xe - Văn phòng UBND tỉnh" % (pl, drv.given, ph))
    add(F, t, "warn", [("license_plate", pl), ("phone", ph)], "car booking: one plate and one driver's mobile")

    p = P(False)
    ph = phone(5)
    t = ("Chị ơi, chiều nay 3h đoàn kiểm tra của Sở Tư pháp đến làm việc về công tác hộ tịch. Nếu cần gì chị gọi anh %s phụ trách "
         "đoàn theo số %s nhé, anh ấy dặn gọi trước khi gửi tài liệu.\n\nEm Hà" % (p.given, ph))
    add(F, t, "warn", [("phone", ph)], "short e-mail with one mobile number")

    p = P()
    em = p.email("example.com", 3)
    t = ("From: %s <%s>\nSubject: Hỏi về thủ tục cấp lại giấy khai sinh\n\nKính gửi UBND phường,\nTôi bị mất bản chính giấy khai sinh của "
         "con, xin hỏi thủ tục cấp bản sao trích lục có thể làm trực tuyến được không và cần những giấy tờ gì?\nXin cảm ơn.\n\n"
         "[soạn giúp em thư trả lời công dân]" % (p.name, em))
    add(F, t, "warn", [("email", em)], "citizen's question with one personal e-mail address")

    num = "125-CV/BTGTU"
    t = ("Subject: Góp ý dự thảo kế hoạch tuyên truyền\n\nEm gửi anh nội dung công văn để anh xem trước:\n\n"
         + phead("TỈNH ỦY NGỌC SƠN", "BAN TUYÊN GIÁO", num, "Ngọc Sơn", vdate(9, 9))
         + "V/v góp ý dự thảo Kế hoạch tuyên truyền kỷ niệm 80 năm Quốc khánh\n\nKính gửi: Các sở, ban, ngành, đoàn thể tỉnh\n"
           "Ban Tuyên giáo Tỉnh ủy đề nghị các cơ quan nghiên cứu, góp ý dự thảo kế hoạch (gửi kèm), gửi về trước ngày 15/9/2025.")
    add(F, t, "warn", [("party_doc_number", num)], "Party committee letter header pasted in an e-mail (no stamp)")

    # ---------------------------------------------------------------- allow
    t = ("Subject: Dự thảo báo cáo tổng kết năm 2025 (lần 3)\n\nChào anh Dũng,\nEm đã chỉnh sửa phần II theo góp ý của lãnh đạo: bổ sung "
         "số liệu thu ngân sách, bỏ đoạn đánh giá chung chung ở mục 3. Phần kiến nghị em giữ nguyên 04 nội dung. Anh xem giúp em trước "
         "16h mai để trình ký.\n\nTrân trọng,\nLê Thu Thảo\nChuyên viên Văn phòng\nMọi thắc mắc về dịch vụ công: 1900 1096\n\n"
         "(viết lại email này ngắn gọn hơn)")
    add(F, t, "allow", [], "colleague e-mail with a name and title but no contact detail; 1900 hotline")

    t = ("Subject: [Tuần lễ an toàn thông tin] 5 dấu hiệu nhận biết email lừa đảo\n\nKính gửi cán bộ, công chức,\n"
         "1. Người gửi yêu cầu cung cấp mật khẩu hoặc mã OTP - cơ quan không bao giờ yêu cầu như vậy.\n"
         "2. Đường link có tên miền lạ, ví dụ dichvucong-gov.example thay vì tên miền chính thức.\n"
         "3. Tệp đính kèm đuôi .exe, .js, .iso hoặc tệp nén có mật khẩu.\n4. Lời lẽ khẩn cấp: \"tài khoản sẽ bị khóa trong 24 giờ\".\n"
         "5. Lỗi chính tả, chữ ký không đúng mẫu của cơ quan.\nNếu nghi ngờ, không bấm vào link và báo ngay cho bộ phận CNTT.\n\nTrung tâm CNTT")
    add(F, t, "allow", [], "security-awareness e-mail: 'mật khẩu' without a value, example.* link, no address")

    t = ("Em nghĩ báo cáo này không cần đóng dấu anh ạ, vì số liệu đều đã công khai trên cổng thông tin.\n\n"
         "Vào Th 4, 5 thg 11, 2025 lúc 14:20 Phạm Quang Vinh đã viết:\n"
         "> Em kiểm tra lại xem báo cáo tình hình kinh tế - xã hội có phải đóng dấu Mật không nhé.\n"
         "> Năm ngoái phòng mình bị nhắc vì để tài liệu Mật trên máy có Internet.\n"
         "> Nếu không thuộc danh mục bí mật nhà nước thì cứ để độ Thường.\n")
    add(F, t, "allow", [], "quoted e-mail discussing whether to stamp a report: stamp words inside quoted sentences")

    t = ("Subject: Trả lời tự động: Lịch tiếp công dân\n\nCảm ơn Quý vị đã gửi thư. Tôi đang đi công tác đến hết ngày 21/11/2025 và sẽ "
         "trả lời khi trở về. Việc cần gấp xin liên hệ bộ phận Một cửa qua tổng đài 1900 8198 hoặc đến trực tiếp Trung tâm Phục vụ "
         "hành chính công (tầng 1, số 8 Hùng Vương) trong giờ hành chính.")
    add(F, t, "allow", [], "out-of-office auto-reply with a 1900 number only")


# =========================================================================== family: zalo
# Zalo group chats copied from Zalo PC / web, in three common copy formats.

def chat(msgs, fmt, day="14/11/2025"):
    out = []
    h, m = R.randint(7, 20), R.randint(0, 50)
    for who, txt in msgs:
        m += R.randint(0, 6)
        if m >= 60:
            h, m = h + 1, m - 60
        ts = "%02d:%02d" % (h, m)
        if fmt == "A":
            out.append("[%s %s] %s: %s" % (day, ts, who, txt))
        elif fmt == "B":
            out.append("%s %s\n%s\n" % (who, ts, txt))
        else:
            out.append("%s - %s: %s" % (ts, who, txt))
    return "\n".join(out)


def fam_zalo():
    F = "zalo"
    a, b, c = P(), P(), P(True)
    cc = make_cccd(year=R.randint(1994, 2003), female=c.female)
    msgs = [(a.name, "Các bạn đăng ký hội thao công đoàn gửi thông tin vào nhóm trước 5h chiều nay nhé, gồm họ tên, ngày sinh, CCCD"),
            (b.name, "[Sticker]"),
            (c.name, "Em đăng ký môn cầu lông ạ: %s, %s, CCCD %s" % (c.name, dob(cccd_year(cc)), cc)),
            (a.name, "ok em 👍"), (b.name, "Tin nhắn đã được thu hồi")]
    t = "tóm tắt giúp mình ai đã đăng ký môn gì từ đoạn chat nhóm:\n\n" + chat(msgs, "A")
    add(F, t, "block", [("cccd", cc)], "Zalo registration thread: one member posts her CCCD")

    a, b = P(), P()
    acct = bank_account(R.choice([10, 12, 13]), R.choice("19"))
    msgs = [(a.name, "Nhà đồng chí Tuấn bị cháy tối qua, công đoàn kêu gọi mọi người ủng hộ tùy tâm ạ"),
            (a.name, "Ủng hộ chuyển khoản vào STK %s MB Bank, chủ TK %s (thủ quỹ công đoàn), nội dung: ten + ung ho" % (acct, fold(a.name).upper())),
            (b.name, "Đã ck 500k ạ"), (b.name, "[Hình ảnh]")]
    t = chat(msgs, "B") + "\n\nviết giúp thư cảm ơn các đồng nghiệp đã ủng hộ"
    add(F, t, "block", [("bank_account", acct)], "chat with the union treasurer's account number (STK + bank)")

    a, b = P(), P()
    pw = "Hop" + token(3, "abcdefghijkmnpqrstuvwxyz") + "@T3" + rdig(2)
    cred = "mk: " + pw
    msgs = [(a.name, "wifi phòng họp tầng 3 tên là SoTP-HopT3 nhé"), (a.name, cred),
            (b.name, "vào được rồi, cảm ơn " + a.ht), (a.name, "ai hỏi thì nhắn riêng, đừng ghi lên bảng nhé")]
    t = "đoạn chat này cho vào biên bản được không, viết lại giúp:\n" + chat(msgs, "C")
    add(F, t, "block", [("credential", cred)], "chat with a Wi-Fi password written after 'mk:'")

    a, b = P(False), P()
    num = "63/BC-CAH"
    doc = ("TỐI MẬT\nCÔNG AN HUYỆN PHƯỚC LỘC\nSố: %s\nBÁO CÁO\nKết quả xác minh nguồn tin về nhóm đối tượng tuyên truyền trái phép "
           "tại xã Đồng Mới: xác định 05 đối tượng cầm đầu, 02 điểm tụ tập...\n" % num)
    msgs = [(a.name, "anh gửi em đoạn đầu báo cáo để em tham khảo cách viết"), (a.name, doc), (b.name, "dạ em cảm ơn anh")]
    t = chat(msgs, "B") + "\nAI ơi viết giúp mình báo cáo tương tự cho xã Tân Phước"
    add(F, t, "block", [("secret_marking", "TỐI MẬT"), ("state_doc_number", num)],
        "a secret report's first lines pasted in a chat message: stamp on its own line")

    a = P()
    people = [P(), P(), P()]
    phs = [phone(R.choice([0, 2])) for _ in people]
    msgs = [(a.name, "Lịch trực Tết Bính Ngọ của Văn phòng:"),
            (a.name, "- 28 Tết: %s - %s" % (people[0].name, phs[0])),
            (a.name, "- 29 Tết: %s - %s" % (people[1].name, phs[1])),
            (a.name, "- Mùng 1: %s - %s" % (people[2].name, phs[2])),
            (people[0].name, "em nhận ạ")]
    t = chat(msgs, "A", "05/02/2026")
    region = t[t.index(people[0].name):t.index(phs[2]) + len(phs[2])]
    t = t + "\n\nlàm thành bảng lịch trực đẹp để in dán bảng tin"
    add(F, t, "block", [("bulk_personal", region)] + [("phone", x) for x in phs], "holiday duty roster: three people's mobiles")

    a, b, s = P(), P(), P(True)
    sens = "u tuyến giáp ác tính, tuần sau mổ"
    msgs = [(a.name, "Chị %s phòng mình bị %s đó mọi người, chưa muốn cho cơ quan biết" % (s.name, sens)),
            (b.name, "trời ơi, thương chị quá"), (a.name, "mình góp tiền đi thăm chị ấy nhé")]
    t = chat(msgs, "C") + "\n\n---\ngợi ý giúp em lời thăm hỏi tế nhị"
    add(F, t, "block", [("sensitive_personal", sens)], "chat disclosing a named colleague's cancer diagnosis")

    a, b, s = P(False), P(), P(False)
    sens = "Dữ liệu định vị thuê bao"
    msgs = [(a.name, "%s của %s ngày 12/11: 19h40 quán nước đầu cầu Khe Nứa, 21h05 nhà nghỉ Bình An, 23h30 về nhà" % (sens, s.name)),
            (b.name, "rõ, tổ 2 tiếp tục theo dõi"), (a.name, "sáng mai báo cáo trước 8h")]
    t = "viết lại đoạn này thành báo cáo nhanh:\n" + chat(msgs, "A")
    add(F, t, "block", [("sensitive_personal", sens)], "positioning data of a named person in a work chat")

    a, b = P(), P()
    card = make_card("4" + rdig(5))
    cg = group(card)
    msgs = [(a.name, "khách sạn đòi thẻ tín dụng để giữ phòng cho đoàn, em dùng thẻ cơ quan nhé"),
            (a.name, "số thẻ %s, hết hạn 09/28, tên in trên thẻ %s" % (cg, fold(b.name).upper())),
            (b.name, "ok em, xong thì xóa tin nhắn đi")]
    t = chat(msgs, "B") + "\n\nviết email tiếng Anh gửi khách sạn xác nhận đặt phòng"
    add(F, t, "block", [("credit_card", cg)], "card number (Luhn-valid) posted in a chat")

    # ---------------------------------------------------------------- warn
    a, b, k = P(), P(), P(False)
    ph = phone(5)
    msgs = [(a.name, "thợ sửa điều hòa phòng họp là anh %s, sđt %s, ai cần thì gọi" % (k.given, ph)),
            (b.name, "ok " + a.ht)]
    t = chat(msgs, "C") + "\n(viết thành thông báo ngắn)"
    add(F, t, "warn", [("phone", ph)], "one repairman's phone in a chat")

    a, b = P(), P()
    pl = make_plate(moto=R.random() < 0.5)
    msgs = [(a.name, "xe %s đỗ chắn cổng sau cơ quan từ sáng, ai biết chủ xe nhắc giúp" % pl), (b.name, "để em ra xem")]
    t = chat(msgs, "A")
    add(F, t, "warn", [("license_plate", pl)], "one vehicle plate in a chat")

    a = P()
    num = "1772/UBND-VP"
    msgs = [(a.name, "UBND TỈNH KIM HÀ\nSố: %s\nHỎA TỐC\nV/v báo cáo số liệu thiệt hại do mưa lũ\nĐề nghị các huyện gửi số liệu trước 10h00 ngày mai" % num),
            (a.name, "các xã gửi gấp giúp em ạ")]
    t = chat(msgs, "B") + "\n\ntóm tắt giúp em cần báo cáo những gì"
    add(F, t, "warn", [("urgency_mark", "HỎA TỐC"), ("state_doc_number", num)], "HỎA TỐC letter header forwarded into a chat")

    a, b = P(), P(True)
    em = b.email("example.vn", 2)
    msgs = [(a.name, "chị ơi file báo cáo em gửi qua đâu ạ"), (b.name, "gửi mail chị: %s" % em), (a.name, "dạ")]
    t = chat(msgs, "C")
    add(F, t, "warn", [("email", em)], "one e-mail address in a chat")

    a, b = P(), P()
    m = make_mst(R.choice(["01", "23", "36"]))
    msgs = [(a.name, "xuất hóa đơn cho cty in Hưng Long giúp %s, MST %s, 12 triệu tiền in tài liệu hội nghị" % (a.ht, m)),
            (b.name, "ok " + a.ht)]
    t = chat(msgs, "A") + "\n\nsoạn email đề nghị xuất hóa đơn"
    add(F, t, "warn", [("mst", m)], "company tax code in a chat")

    a = P()
    msgs = [(a.name, "Gửi các anh chị tài liệu sinh hoạt chuyên đề quý IV:\nLƯU HÀNH NỘI BỘ\nChuyên đề: Nâng cao đạo đức công vụ trong thời kỳ chuyển đổi số\n1. Thực trạng...\n2. Giải pháp..."),
            (a.name, "[File] ChuyenDe_QIV.docx")]
    t = chat(msgs, "B") + "\n\nviết giúp 5 câu hỏi thảo luận từ chuyên đề này"
    add(F, t, "warn", [("circulation_mark", "LƯU HÀNH NỘI BỘ")], "internal document forwarded in chat with the circulation line")

    a, b, c = P(), P(), P()
    pa, pb = phone(0), phone(2)
    msgs = [(a.name, "đầu mối đón đoàn tại huyện: %s %s %s, tại xã: %s %s %s" % (b.ht, b.given, pa, c.ht, c.given, pb)), (b.name, "rõ ạ")]
    t = chat(msgs, "A")
    add(F, t, "warn", [("phone", pa), ("phone", pb)], "two contacts only: below the bulk threshold")

    # ---------------------------------------------------------------- allow
    a, b = P(), P()
    msgs = [(a.name, "toi mat chia khoa phong hop roi, ai cam chia du phong k"), (b.name, "chia du phong o ngan keo ban van thu"),
            (a.name, "ok, toi mat ca buoi sang di tim :(")]
    t = chat(msgs, "C") + "\nviết lại đoạn chat có dấu giúp mình"
    add(F, t, "allow", [], "unaccented chat: 'toi mat' = tôi mất (I lost)")

    a, b = P(False), P()
    msgs = [(a.name, "mật khẩu wifi cơ quan đổi rồi nhé mọi người"), (b.name, "mật khẩu mới là gì anh"),
            (a.name, "ai cần thì qua phòng IT hỏi anh Nam, không ghi lên nhóm")]
    t = chat(msgs, "A")
    add(F, t, "allow", [], "password discussed, never written out")

    a, b = P(), P()
    msgs = [(a.name, "ai lấy mật ong rừng Nậm Khao không, 350k/lít, mã đơn MO-2511-07"), (b.name, "cho em 2 lít"),
            (a.name, "ok, thứ 6 mang lên cơ quan")]
    t = chat(msgs, "B") + "\nlập giúp bảng tổng hợp đơn hàng"
    add(F, t, "allow", [], "honey order: 'mật ong' with an order code")

    a, b = P(), P()
    msgs = [(a.name, "Lịch họp tuần: T2 8h phòng 301 giao ban; T4 14h phòng 205 rà soát TTHC; T6 9h hội trường tập huấn"),
            (b.name, "Tin nhắn đã được thu hồi"), (b.name, "T4 em xin vắng vì trực một cửa ạ"),
            (a.name, "dân hỏi thủ tục thì cứ hướng dẫn gọi tổng đài 1900 1096")]
    t = chat(msgs, "C") + "\nlàm thành lịch tuần dạng bảng"
    add(F, t, "allow", [], "meeting schedule chat; 'thu hồi' = a recalled message; 1900 hotline")

    a, b = P(False), P()
    msgs = [(a.name, "ae nhớ là tài liệu Mật với Tối mật thì tuyệt đối không dán lên ChatGPT nhé, kể cả nhờ dịch"),
            (b.name, "thế văn bản lưu hành nội bộ thì sao anh"), (a.name, "phải hỏi lãnh đạo phòng trước, tốt nhất dùng trợ lý ảo của tỉnh")]
    t = chat(msgs, "A")
    add(F, t, "allow", [], "chat reminder naming the stamps inside sentences")


# =========================================================================== family: longdoc
# Long documents that must pass (plus two that carry exactly one warn-level detail).

NEWS_TRIAL = """Tóm tắt giúp tôi bài báo dưới đây thành 1 đoạn 150 chữ cho bản tin nội bộ:

XÉT XỬ VỤ ÁN LÀM LỘ BÍ MẬT NHÀ NƯỚC: BÀI HỌC TỪ MỘT CÚ CHẠM MÀN HÌNH
(Pháp luật & Xã hội) - Sáng 21/10, Tòa án nhân dân tỉnh mở phiên tòa sơ thẩm xét xử 03 bị cáo về tội "Cố ý làm lộ bí mật nhà nước" và "Vô ý làm lộ bí mật nhà nước" theo Điều 337 và Điều 338 Bộ luật Hình sự. Phiên tòa thu hút đông đảo cán bộ làm công tác văn thư, lưu trữ đến dự như một buổi sinh hoạt chuyên đề.

Chụp màn hình để "hỏi cho nhanh"
Theo cáo trạng, bị cáo thứ nhất (46 tuổi, nguyên Phó Chánh Văn phòng một sở) được giao quản lý sổ đăng ký văn bản mật. Từ tháng 3 đến tháng 8/2024, bị cáo nhiều lần mang tài liệu về nhà, dùng điện thoại cá nhân chụp lại để "làm cho kịp tiến độ". Trong số tài liệu bị chụp có 04 văn bản độ Tối mật và 11 văn bản độ Mật liên quan đến quy hoạch các công trình quốc phòng trên địa bàn.
Bị cáo thứ hai (34 tuổi, chuyên viên) đã sao chép nội dung một báo cáo có đóng dấu Mật rồi dán vào một ứng dụng trí tuệ nhân tạo miễn phí để nhờ "viết lại cho gọn". Tại tòa, bị cáo khai không nghĩ việc nhờ chatbot tóm tắt lại là đưa tài liệu ra ngoài. Kết quả giám định xác định toàn bộ nội dung bị cáo đã dán đều thuộc danh mục bí mật nhà nước và đã được truyền ra máy chủ ở nước ngoài.
Bị cáo thứ ba (29 tuổi, nhân viên hợp đồng) bị xét xử về hành vi vô ý làm lộ bí mật nhà nước khi để thất lạc chiếc USB chứa 02 tài liệu độ Tuyệt mật tại một quán cà phê.

"Tôi không biết tài liệu này quan trọng đến vậy"
Trả lời Hội đồng xét xử, các bị cáo đều thừa nhận hành vi, tỏ ra ân hận. Đại diện Viện kiểm sát nhận định: các bị cáo là người được đào tạo, được phổ biến quy định về bảo vệ bí mật nhà nước hằng năm, văn bản đều có dấu độ mật rõ ràng ở góc trên, nên không thể viện dẫn lý do "không biết".
Luật sư bào chữa đề nghị xem xét bối cảnh áp lực công việc, số lượng văn bản lớn và việc cơ quan chưa trang bị đủ máy tính không kết nối Internet cho bộ phận văn thư.

- 1 -

Tuyên án
Sau hai ngày xét xử, Hội đồng xét xử tuyên phạt bị cáo thứ nhất 06 năm tù, bị cáo thứ hai 03 năm tù, bị cáo thứ ba 15 tháng tù nhưng cho hưởng án treo. Tòa cũng kiến nghị cơ quan chủ quản rà soát quy trình quản lý tài liệu mật, xử lý trách nhiệm người đứng đầu.

Cảnh báo từ thực tiễn
Trao đổi với phóng viên, đại diện cơ quan an ninh cho biết từ năm 2023 đến nay đã phát hiện nhiều trường hợp cán bộ dán văn bản nội bộ vào các công cụ trí tuệ nhân tạo công cộng. Luật Bảo vệ bí mật nhà nước số 117/2025/QH15, có hiệu lực từ ngày 01/3/2026, đã quy định rõ hành vi sử dụng trí tuệ nhân tạo, công nghệ mới để xâm phạm bí mật nhà nước là hành vi bị nghiêm cấm.
Theo các chuyên gia, trước khi sử dụng AI, cán bộ cần tự phân loại văn bản: văn bản có dấu độ mật, văn bản chuẩn bị nhân sự, hồ sơ cán bộ tuyệt đối không đưa lên; văn bản lưu hành nội bộ phải được lãnh đạo cho phép; dữ liệu cá nhân của công dân phải được xóa trước. Nhiều địa phương đang thí điểm các trợ lý ảo được triển khai trong nước, dữ liệu lưu trữ tại Việt Nam để cán bộ yên tâm sử dụng.

Xem thêm:
- Những sai lầm thường gặp khi sử dụng chatbot trong cơ quan nhà nước
- Hỏi - đáp: Văn bản "Lưu hành nội bộ" có phải tài liệu mật?
- Infographic: 8 hành vi bị nghiêm cấm trong bảo vệ bí mật nhà nước

- 2 -"""

SLIDES_117 = """Chuyển bộ slide sau thành kịch bản thuyết trình 15 phút:

[Slide 1] LUẬT BẢO VỆ BÍ MẬT NHÀ NƯỚC 2025 - NHỮNG ĐIỂM MỚI CÁN BỘ CẦN NẮM
Báo cáo viên: Phòng An ninh chính trị nội bộ | Hội nghị tập huấn cấp huyện, 11/2025

[Slide 2] Bối cảnh
• Luật số 117/2025/QH15, hiệu lực từ 01/3/2026, thay thế Luật số 29/2018/QH14
• Chuyển đổi số mạnh mẽ → nguy cơ lộ lọt qua môi trường mạng tăng
• Hội nghị tập huấn AI toàn quốc tháng 9/2025 kết nối khoảng 4.000 điểm cầu

[Slide 3] Phân loại bí mật nhà nước (ba độ)
• Tuyệt mật - nguy hại đặc biệt nghiêm trọng nếu bị lộ, bị mất
• Tối mật - nguy hại rất nghiêm trọng
• Mật - nguy hại nghiêm trọng
→ Việc giữ nguyên tên gọi ba độ trong luật mới: đề nghị đối chiếu văn bản chính thức

[Slide 4] Hành vi bị nghiêm cấm (điểm mới)
• Sử dụng trí tuệ nhân tạo, công nghệ mới để xâm phạm bí mật nhà nước
• Soạn thảo, lưu giữ tài liệu mật trên thiết bị có kết nối Internet
• Chụp ảnh, sao chép trái phép; gửi qua mạng xã hội, ứng dụng nhắn tin

[Slide 5] Dấu và ký hiệu độ mật
• Dấu độ mật đóng ở vị trí quy định dưới số, ký hiệu văn bản
• Dấu "Tài liệu thu hồi", dấu "Chỉ người có tên mới được bóc bì" dùng cho tài liệu mật
• Bản sao phải ghi số bản sao, số lượng bản

[Slide 6] AI và văn bản hành chính: được và không được
• ĐƯỢC: tóm tắt thông báo công khai, gợi ý bố cục, rà soát chính tả văn bản thường
• KHÔNG: dán văn bản có dấu độ mật, tài liệu nhân sự, dữ liệu cá nhân công dân
• CẦN XIN Ý KIẾN: văn bản lưu hành nội bộ, văn bản có dấu khẩn chưa ban hành

[Slide 7] Tình huống 1
Chuyên viên chụp màn hình trang 2 của một báo cáo (trang 1 có dấu độ mật) rồi nhờ chatbot tóm tắt.
→ Câu hỏi: có vi phạm không? (Đáp án: có - độ mật áp dụng cho toàn bộ tài liệu)

[Slide 8] Tình huống 2
Văn thư nhận thư điện tử chuyển tiếp có văn bản mật đính kèm. → Báo cáo ngay, không mở trên máy có Internet.

[Slide 9] Trách nhiệm người đứng đầu
• Xác định độ mật đúng thẩm quyền, kịp thời
• Bố trí máy tính riêng không kết nối mạng cho soạn thảo tài liệu mật
• Kiểm tra, tự kiểm tra định kỳ ít nhất 01 lần/năm

[Slide 10] Câu hỏi thảo luận - Cảm ơn!"""

QA_ND13 = """Viết lại phần hỏi đáp dưới đây cho dễ hiểu hơn, giữ các ví dụ định dạng:

HỎI - ĐÁP VỀ BẢO VỆ DỮ LIỆU CÁ NHÂN TẠI BỘ PHẬN MỘT CỬA
(Theo Nghị định 13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15)

Câu 1. Số CCCD có phải là dữ liệu cá nhân không?
Trả lời: Có. Số căn cước công dân gồm 12 chữ số, ví dụ 0xx xxx xxx xxx, trong đó 3 chữ số đầu là mã tỉnh nơi đăng ký khai sinh, chữ số thứ 4 thể hiện thế kỷ và giới tính, 2 chữ số tiếp theo là năm sinh. Đây là dữ liệu cá nhân cơ bản.

Câu 2. Khi nhờ AI soạn thư trả lời công dân, tôi có được dán nguyên đơn của công dân không?
Trả lời: Không nên. Hãy thay thông tin bằng ký hiệu giữ chỗ, ví dụ: "Ông/bà [HỌ TÊN], CCCD [SỐ CCCD], điện thoại 09x xxx xxxx, địa chỉ [THÔN/XÃ]".

Câu 3. Số tài khoản ngân hàng được xếp vào loại nào?
Trả lời: Thông tin tài khoản, giao dịch ngân hàng là dữ liệu cá nhân nhạy cảm. Ví dụ trong mẫu đề nghị hoàn tiền chỉ ghi "Số tài khoản: xxxxxxxxxx - Ngân hàng: [TÊN NGÂN HÀNG]" khi gửi cho bên ngoài.

Câu 4. Mã số thuế cá nhân, số sổ BHXH có phải che không?
Trả lời: Có. Mã số thuế cá nhân có 10 chữ số (dạng 8xxxxxxxxx), mã số BHXH có 10 chữ số; khi lập báo cáo gửi ra ngoài chỉ để dạng ******1234.

Câu 5. Thông tin sức khỏe, tôn giáo của công dân thì sao?
Trả lời: Đây là dữ liệu nhạy cảm; chỉ xử lý khi có căn cứ pháp luật hoặc sự đồng ý của chủ thể dữ liệu; tuyệt đối không đưa lên nền tảng AI công cộng.

Câu 6. Mật khẩu tài khoản dịch vụ công của công dân có được ghi vào sổ không?
Trả lời: Không. Cán bộ không được hỏi, ghi chép mật khẩu của công dân dưới bất kỳ hình thức nào; nếu công dân quên, hướng dẫn thực hiện chức năng "Quên mật khẩu".

Câu 7. Khi phát hiện lộ lọt dữ liệu cá nhân phải làm gì?
Trả lời: Báo cáo ngay lãnh đạo đơn vị, bộ phận công nghệ thông tin và thông báo cho cơ quan chuyên trách trong thời hạn 72 giờ theo quy định."""


def fam_longdoc():
    F = "longdoc"
    add(F, NEWS_TRIAL, "allow", [], "two-page news article on a secret-leak trial (defendants unnamed); stamp words only in sentences")
    add(F, SLIDES_117, "allow", [], "training slide deck on Law 117/2025/QH15: level names in bullets with explanations")
    add(F, QA_ND13, "allow", [], "Q&A on Decree 13 with placeholder identifiers (0xx xxx xxx xxx, 09x xxx xxxx, 8xxxxxxxxx)")

    t = ("Viết phần nhận xét cho các bảng số liệu sau:\n\nBÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI 9 THÁNG NĂM 2025\n\n"
         "Bảng 1. Tổng sản phẩm trên địa bàn (GRDP, giá so sánh 2010)\n"
         "Khu vực\t9T/2024 (triệu đồng)\t9T/2025 (triệu đồng)\tTăng (%)\n"
         "Nông, lâm, thủy sản\t8.412.306\t8.739.874\t3,89\nCông nghiệp - xây dựng\t15.207.441\t16.875.902\t10,97\n"
         "Dịch vụ\t12.980.115\t14.012.360\t7,95\nThuế SP trừ trợ cấp\t2.104.772\t2.231.508\t6,02\n"
         "Tổng\t38.704.634\t41.859.644\t8,15\n\n"
         "Bảng 2. Thu, chi ngân sách (triệu đồng)\nThu nội địa\t6.215.400\nThu XNK\t412.870\nChi đầu tư phát triển\t4.870.215\n"
         "Chi thường xuyên\t7.106.338\n\nBảng 3. Một số chỉ tiêu xã hội\nSố lao động được tạo việc làm: 18.740 người\n"
         "Tỷ lệ hộ nghèo (đa chiều): 3,12%\nSố thuê bao Internet băng rộng cố định: 214.502\nSố thuê bao di động có phát sinh lưu lượng: 1.204.338\n"
         "Vốn FDI đăng ký mới: 312,4 triệu USD (14 dự án)")
    add(F, t, "allow", [], "statistics tables with large numbers (no identifier-shaped runs)")

    t = ("Sắp xếp lại lịch học dưới đây thành bảng theo ngày:\n\nLỊCH HỌC LỚP BỒI DƯỠNG KỸ NĂNG SỐ CHO CÁN BỘ CẤP XÃ - KHÓA 3/2025\n"
         "Địa điểm: Trường Chính trị tỉnh, phòng B2.04\n\nThứ Hai 17/11\n07:30 - 08:00  Khai giảng, phổ biến nội quy lớp học\n"
         "08:00 - 11:00  Chuyên đề 1: Tổng quan chuyển đổi số và Nghị quyết 57-NQ/TW (TS. Hoàng Minh Đức)\n"
         "13:30 - 16:30  Chuyên đề 2: Hệ thống quản lý văn bản và chữ ký số (ThS. Lê Thu Hà)\n\n"
         "Thứ Ba 18/11\n07:30 - 11:00  Chuyên đề 3: Bảo vệ bí mật nhà nước khi sử dụng AI\n"
         "13:30 - 16:30  Thực hành: tóm tắt văn bản công khai bằng trợ lý ảo của tỉnh\n\n"
         "Thứ Tư 19/11\n07:30 - 11:00  Chuyên đề 4: Bảo vệ dữ liệu cá nhân tại bộ phận một cửa\n"
         "13:30 - 15:30  Kiểm tra cuối khóa (trắc nghiệm 30 câu, 45 phút)\n15:30 - 16:00  Bế giảng, trao chứng chỉ\n\n"
         "Ghi chú: học viên mang theo máy tính xách tay cá nhân; tài khoản thực hành do Ban tổ chức cấp tại lớp.")
    add(F, t, "allow", [], "course timetable with times, rooms and lecturers' names (no contact details)")

    t = ("Tóm tắt các tuyến xe buýt đi qua bến xe trung tâm:\n\nMẠNG LƯỚI XE BUÝT NỘI TỈNH LAM GIANG (áp dụng từ 01/12/2025)\n\n"
         "Tuyến 01: Bến xe trung tâm - Chợ Đồng Mới - Khu công nghiệp Tân Phước\n  Lộ trình: Lê Lợi - Trần Hưng Đạo - QL37 - ĐT279\n"
         "  Giờ chạy: 05:30 - 19:00, tần suất 20 phút/chuyến; giá vé 8.000đ/lượt, vé tháng 150.000đ\n\n"
         "Tuyến 02: Bến xe trung tâm - Bệnh viện Đa khoa tỉnh - Đại học Lam Giang\n  Giờ chạy: 05:45 - 20:30, tần suất 15 phút/chuyến\n\n"
         "Tuyến 05: Quảng trường - Sơn Kỳ - Nậm Khao\n  Giờ chạy: 05:00 - 17:30, tần suất 45 phút/chuyến; cự ly 62 km\n\n"
         "Tuyến 09 (buýt nhanh): Sân bay - Trung tâm hành chính tỉnh\n  Giờ chạy: theo lịch chuyến bay, 06:00 - 22:30\n\n"
         "Học sinh, người cao tuổi trên 70, người khuyết tật được miễn hoặc giảm giá vé theo quy định. Tổng đài hỗ trợ: 1900 9099.")
    add(F, t, "allow", [], "bus network: route numbers, times, fares, 1900 number")

    skus = []
    for name, price in [("Giấy A4 Double Star 70gsm (ram 500 tờ)", "68.000"), ("Bút bi Thiên Long TL-027 (hộp 20)", "72.000"),
                        ("Bìa còng 7cm Kingstar", "45.000"), ("Mực in HP 26A tương thích", "390.000"), ("Ghim bấm số 10 (hộp)", "4.500")]:
        ean = safe_digits(13, "893")
        skus.append("SKU VPP-%04d | %s | Mã vạch: %s | Đơn giá: %sđ" % (R.randint(100, 9999), name, ean, price))
    t = ("Làm giúp bảng dự toán mua văn phòng phẩm quý I/2026 từ catalogue:\n\nCATALOGUE VĂN PHÒNG PHẨM 2026 (trích)\n"
         + "\n".join(skus) + "\nGiá đã gồm VAT, giao hàng miễn phí nội thành với đơn từ 1.000.000đ.\nĐặt hàng trực tuyến: vpp.example.vn/catalogue")
    add(F, t, "allow", [], "product catalogue with SKU codes and 13-digit barcodes (not Luhn-valid)")

    t = ("Chấm giúp bài kiểm tra sau và giải thích đáp án:\n\nBÀI KIỂM TRA NHANH: AN TOÀN KHI DÙNG AI (10 câu)\n"
         "1. Văn bản có dấu Tối mật có được dán vào ChatGPT để dịch không? → Trả lời của học viên: Không\n"
         "2. Văn bản lưu hành nội bộ: được dùng AI công cộng khi nào? → Khi lãnh đạo đơn vị đồng ý\n"
         "3. Có được nhập số CCCD của công dân để AI điền biểu mẫu không? → Không\n"
         "4. \"Mật độ dân số\" trong báo cáo có phải thông tin mật không? → Không, đó là số liệu thống kê\n"
         "5. Dấu \"Tài liệu thu hồi\" thường đóng trên loại tài liệu nào? → Tài liệu mật phải thu hồi sau hội nghị\n"
         "6. Có được lưu mật khẩu hộp thư công vụ trong trình duyệt máy dùng chung không? → Không\n"
         "7. Kết quả AI tạo ra có cần kiểm tra lại không? → Có, luôn luôn\n"
         "8. Nền tảng nào nên ưu tiên cho dữ liệu nội bộ? → Nền tảng trong nước đã được phê duyệt\n"
         "9. Chụp màn hình trang 2 của văn bản Mật có được coi là an toàn? → Không\n"
         "10. Khi nghi ngờ đã làm lộ thông tin, phải làm gì? → Báo cáo ngay lãnh đạo và bộ phận CNTT")
    add(F, t, "allow", [], "quiz with the learner's answers; stamps named inside questions")

    t = ("Dịch sang tiếng Anh bản tin sau:\n\nHỘI NGHỊ TRIỂN KHAI NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2026\n"
         "Ngày 25/12/2025, UBND tỉnh Kim Hà tổ chức Hội nghị triển khai nhiệm vụ chuyển đổi số năm 2026. Hội nghị quán triệt Nghị quyết "
         "57-NQ/TW của Bộ Chính trị; Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân; Nghị định 30/2020/NĐ-CP về công tác văn thư; "
         "Luật Bảo vệ bí mật nhà nước 117/2025/QH15 và Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15. Văn bản số 557/BKHCN-CĐSQG của Bộ "
         "Khoa học và Công nghệ về sử dụng AI an toàn cũng được phổ biến tới 100% đại biểu.\n"
         "Năm 2026, tỉnh phấn đấu 80% hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình, 100% cán bộ cấp xã được bồi dưỡng kỹ năng số "
         "và triển khai trợ lý ảo dùng chung cho các cơ quan, dữ liệu được lưu trữ tại trung tâm dữ liệu của tỉnh.")
    add(F, t, "allow", [], "press release citing many published document numbers in prose")

    t = ("Góp ý giúp bản hướng dẫn sau có thiếu gì không:\n\nHƯỚNG DẪN VIẾT CÂU LỆNH (PROMPT) AN TOÀN CHO CÁN BỘ\n"
         "Nguyên tắc 1 - Không đưa dữ liệu thật: thay tên người bằng [HỌ TÊN], số định danh bằng [SỐ CCCD], số điện thoại bằng 09x.xxx.xxxx.\n"
         "Nguyên tắc 2 - Hỏi về cấu trúc, không dán nội dung: thay vì dán cả báo cáo, hãy mô tả \"tôi cần bố cục một báo cáo sơ kết 6 tháng "
         "gồm 3 phần\".\n"
         "Nguyên tắc 3 - Kiểm tra dấu trước khi dán: nếu văn bản có dấu Mật, Tối mật, Tuyệt mật, hoặc dấu Khẩn, Thượng khẩn, Hỏa tốc của văn "
         "bản chưa ban hành, dừng lại và hỏi lãnh đạo.\n"
         "Nguyên tắc 4 - Không dán cấu hình, mật khẩu, khóa API vào chatbot; thay bằng <MẬT_KHẨU> hoặc <API_KEY>.\n"
         "Ví dụ câu lệnh tốt: \"Viết thư trả lời công dân [HỌ TÊN] về việc chậm cấp giấy chứng nhận, giọng văn cầu thị, dưới 200 chữ.\"\n"
         "Ví dụ câu lệnh không an toàn: dán nguyên đơn thư có số CCCD, số điện thoại và địa chỉ của công dân.")
    add(F, t, "allow", [], "prompt-writing guide: placeholders and stamps named inside sentences")

    t = ("Tóm tắt bài viết sau:\n\nNGÀNH CƠ YẾU VÀ CÂU CHUYỆN GIỮ BÍ MẬT QUA NHỮNG BỨC ĐIỆN\n"
         "Ra đời từ những năm đầu kháng chiến, ngành Cơ yếu gắn liền với những bức điện mật mã được mã hóa bằng tay. Mật mã thời kỳ đầu là "
         "các bảng số in trên giấy pơ-luya, mỗi bảng chỉ dùng một lần. Người làm cơ yếu được dặn dò: \"còn người thì còn mật mã\".\n"
         "Ngày nay, mật mã là nền tảng của chữ ký số, hóa đơn điện tử, giao dịch ngân hàng trực tuyến. Những bài học về bảo mật, về kỷ luật "
         "giữ bí mật của thế hệ trước vẫn còn nguyên giá trị trong thời đại số, khi chỉ một thao tác sao chép có thể làm lộ thông tin.\n"
         "Mối quan hệ mật thiết giữa con người và kỹ thuật chính là đặc trưng của nghề: công cụ hiện đại đến đâu cũng cần người sử dụng có ý "
         "thức bảo vệ bí mật.")
    add(F, t, "allow", [], "feature article: mật mã, bảo mật, mật thiết, bí mật")

    t = ("Viết lại bài sau thành 5 lời khuyên ngắn cho bản tin sức khỏe cơ quan:\n\nMẬT ONG VÀ SỨC KHỎE TÚI MẬT: HIỂU ĐÚNG ĐỂ DÙNG ĐÚNG\n"
         "Mật ong là thực phẩm giàu năng lượng, có tác dụng làm dịu họng, nhưng người bị tiểu đường cần hạn chế. Trẻ dưới 1 tuổi không nên dùng "
         "mật ong.\nTúi mật là cơ quan nhỏ nằm dưới gan, dự trữ dịch mật giúp tiêu hóa chất béo. Sỏi túi mật thường gặp ở người trên 40 tuổi, "
         "người béo phì, ít vận động. Chế độ ăn nhiều rau xanh, hạn chế đồ chiên rán, vận động 30 phút mỗi ngày giúp giảm nguy cơ.\n"
         "Theo thống kê của một bệnh viện tuyến tỉnh, năm 2024 có 1.126 ca phẫu thuật cắt túi mật nội soi, tăng 12% so với năm trước.")
    add(F, t, "allow", [], "general health article: mật ong, túi mật, statistics, no named person")

    t = ("Hỏi đáp pháp luật - giải thích giúp tôi cho dễ hiểu hơn:\n\nHỎI: Luật Bảo vệ bí mật nhà nước năm 2025 có gì khác luật cũ?\n"
         "ĐÁP: Luật số 117/2025/QH15 có hiệu lực từ ngày 01/3/2026, thay thế Luật số 29/2018/QH14. Điểm đáng chú ý là luật bổ sung hành vi "
         "bị nghiêm cấm: sử dụng trí tuệ nhân tạo hoặc công nghệ mới để xâm phạm bí mật nhà nước. Các quy định về xác định độ mật, sao chụp, "
         "vận chuyển, giao nhận, thu hồi tài liệu tiếp tục được kế thừa và cụ thể hóa.\n"
         "HỎI: Nếu tôi chỉ dán một đoạn ngắn của văn bản Mật vào chatbot thì có sao không?\n"
         "ĐÁP: Độ mật được xác định cho toàn bộ tài liệu, do đó kể cả một đoạn ngắn cũng là bí mật nhà nước. Hành vi này có thể bị xử lý kỷ "
         "luật hoặc truy cứu trách nhiệm hình sự tùy mức độ.\n"
         "HỎI: Văn bản có dấu Khẩn có phải văn bản mật không?\n"
         "ĐÁP: Không. Dấu Khẩn, Thượng khẩn, Hỏa tốc thể hiện mức độ khẩn cấp về thời gian xử lý, không phải độ mật.")
    add(F, t, "allow", [], "legal Q&A about the new law; stamps named in answers")

    t = ("Viết giúp phần đánh giá chung cho báo cáo:\n\nBÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ PHÁT TRIỂN KINH TẾ - XÃ HỘI NĂM 2025 - XÃ ĐỒNG MỚI\n"
         "1. Kinh tế: tổng giá trị sản xuất ước đạt 412,6 tỷ đồng, tăng 7,8%; thu nhập bình quân đầu người 52,4 triệu đồng/năm. Diện tích lúa "
         "2 vụ 1.126 ha, năng suất bình quân 61,2 tạ/ha; tổng đàn trâu bò 3.412 con, đàn lợn 18.950 con.\n"
         "2. Thu ngân sách: 14,72 tỷ đồng, đạt 118% dự toán; chi ngân sách 13,96 tỷ đồng.\n"
         "3. Văn hóa - xã hội: 93,5% hộ đạt danh hiệu gia đình văn hóa; tỷ lệ tham gia BHYT 94,1%; giảm 46 hộ nghèo, còn 128 hộ (3,2%).\n"
         "4. Quốc phòng - an ninh: hoàn thành giao quân 100% chỉ tiêu (27 thanh niên); không để xảy ra điểm nóng về an ninh trật tự.\n"
         "5. Chuyển đổi số: 100% thôn có tổ công nghệ số cộng đồng; 2.416 người dân được hướng dẫn cài đặt, kích hoạt tài khoản định danh điện tử.")
    add(F, t, "allow", [], "commune annual report with many figures")

    t = ("Viết lại thông báo tuyển dụng sau cho hấp dẫn hơn để đăng mạng xã hội:\n\nTHÔNG BÁO TUYỂN DỤNG VIÊN CHỨC NĂM 2025\n"
         "Trung tâm Chuyển đổi số tỉnh Ngọc Sơn tuyển 06 chỉ tiêu viên chức: 03 vị trí quản trị hệ thống, 02 vị trí an toàn thông tin, "
         "01 vị trí phân tích dữ liệu.\nĐiều kiện: tốt nghiệp đại học chuyên ngành công nghệ thông tin, an toàn thông tin, khoa học dữ liệu; "
         "ưu tiên có chứng chỉ quốc tế về bảo mật.\nHồ sơ nộp trực tuyến tại tuyendung.example.gov.vn từ 01/12 đến 31/12/2025. Mọi thắc mắc liên "
         "hệ tổng đài 1900 2345 trong giờ hành chính.\nLệ phí dự tuyển: 500.000 đồng/thí sinh.")
    add(F, t, "allow", [], "public recruitment notice with a URL and a 1900 number")

    t = ("Chuyển lịch công tác tuần sau thành dạng bảng:\n\nLỊCH CÔNG TÁC TUẦN 47/2025 CỦA LÃNH ĐẠO UBND HUYỆN SƠN KỲ\n"
         "Thứ Hai 17/11: 7h30 Chủ tịch chủ trì giao ban lãnh đạo UBND (phòng họp số 1); 14h00 PCT Lê Văn Sơn làm việc với xã Nậm Khao về "
         "tiến độ giải ngân vốn đầu tư công.\nThứ Ba 18/11: cả ngày Chủ tịch dự Hội nghị Tỉnh ủy (tại tỉnh).\n"
         "Thứ Tư 19/11: 8h00 PCT Đinh Thị Hoa tiếp công dân định kỳ tại Trụ sở Tiếp công dân huyện.\n"
         "Thứ Năm 20/11: 8h00 Gặp mặt kỷ niệm Ngày Nhà giáo Việt Nam (Hội trường UBND huyện).\n"
         "Thứ Sáu 21/11: 14h00 Chủ tịch chủ trì họp Ban Chỉ đạo chuyển đổi số huyện.\nLịch có thể thay đổi, cập nhật trên trang thông tin điện tử huyện.")
    add(F, t, "allow", [], "public weekly schedule of leaders: names and rooms, no contact or identifier")

    # ---------------------------------------------------------------- warn
    p = P(False)
    ph = phone(2)
    t = ("Soạn giúp thông báo cho phụ huynh về tuyến xe đưa đón học sinh:\n\nTUYẾN XE ĐƯA ĐÓN HỌC SINH TRƯỜNG TH&THCS NẬM KHAO - HỌC KỲ II\n"
         "Chiều đi: 06:10 Bản Pa Cò - 06:25 Bản Sín Chải - 06:40 UBND xã - 06:55 Trường\nChiều về: 16:45 Trường - 17:00 UBND xã - 17:15 Bản Sín Chải - "
         "17:30 Bản Pa Cò\nGiá: miễn phí (kinh phí xã hội hóa)\nĐiều hành tuyến: anh %s, điện thoại %s (gọi khi xe trễ quá 15 phút)." % (p.name, ph))
    add(F, t, "warn", [("phone", ph)], "school bus timetable with the operator's one mobile")

    m = make_mst(R.choice(["01", "03", "27"]))
    t = ("Lập bảng so sánh giá 3 mẫu máy tính dưới đây:\n\nBẢNG BÁO GIÁ THIẾT BỊ CNTT - THÁNG 11/2025\nCÔNG TY TNHH GIẢI PHÁP SỐ HƯNG THỊNH\n"
         "Mã số thuế: %s\n\n1. SKU PC-HT-2401 | Máy tính để bàn i5-13400/16GB/512GB SSD | 15.900.000đ\n"
         "2. SKU PC-HT-2407 | Máy tính để bàn i7-13700/32GB/1TB SSD | 24.450.000đ\n3. SKU NB-HT-1189 | Laptop 14\" Ryzen 7/16GB/512GB | 19.800.000đ\n"
         "Bảo hành 36 tháng tại nơi sử dụng. Báo giá có hiệu lực 30 ngày." % m)
    add(F, t, "warn", [("mst", m)], "supplier price list with the company tax code")


# =========================================================================== family: code
# Source code, config and logs pasted for debugging help.

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def fam_code():
    F = "code"
    t = ('Viết thêm test case cho module này giúp mình (pytest):\n\n```python\nimport re\n\n'
         'PROVINCE_CODES = {"001", "002", "004", "079", "096"}  # rút gọn, đủ 63 mã ở file provinces.py\n'
         'CCCD_RE = re.compile(r"^\\d{12}$")\n\n\ndef is_valid_cccd(s: str) -> bool:\n'
         '    """CCCD: 3 số mã tỉnh + 1 số thế kỷ/giới tính + 2 số năm sinh + 6 số ngẫu nhiên."""\n'
         '    s = s.replace(" ", "")\n    if not CCCD_RE.match(s):\n        return False\n'
         '    return s[:3] in PROVINCE_CODES and s[3] in "0123"\n\n\ndef luhn(number: str) -> bool:\n'
         '    digits = [int(c) for c in number if c.isdigit()]\n    checksum = 0\n'
         '    for i, d in enumerate(reversed(digits)):\n        if i % 2 == 1:\n            d = d * 2 - 9 if d > 4 else d * 2\n'
         '        checksum += d\n    return checksum % 10 == 0\n\n\ndef test_cccd_invalid():\n'
         '    assert not is_valid_cccd("000000000000")\n    assert not is_valid_cccd("999123456789")  # mã tỉnh không tồn tại\n'
         '    assert not is_valid_cccd("12345")\n\n\ndef test_luhn_invalid():\n'
         '    assert not luhn("4111111111111112")\n    assert not luhn("1234567812345678")\n```')
    add(F, t, "allow", [], "validator code with only invalid test numbers (unknown province, Luhn failures)")

    t = ("Regex này sai chỗ nào mà số 0123456789 vẫn lọt qua?\n\n```js\nconst PHONE_RE = /^(0|\\+84)(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\\d)\\d{7}$/;\n\n"
         "function normalizePhone(s) {\n  return s.replace(/[\\s.\\-]/g, '');\n}\n\n"
         "const samples = ['0123456789', '01234567890', '1900 1234', '113', '+84 12 345 678'];\n"
         "for (const s of samples) {\n  console.log(s, PHONE_RE.test(normalizePhone(s)));\n}\n```\n"
         "Output của mình:\n0123456789 true  <-- sai\n01234567890 false\n1900 1234 false\n113 false\n+84 12 345 678 false")
    add(F, t, "allow", [], "JS phone regex with only invalid samples (01x prefix, 11 digits, 1900, 113)")

    t = ("Thiết kế lại schema này cho chuẩn hóa hơn:\n\n```sql\nCREATE TABLE can_bo (\n  id           SERIAL PRIMARY KEY,\n"
         "  ho_ten       VARCHAR(100) NOT NULL,\n  so_cccd      CHAR(12) UNIQUE,       -- 12 chữ số\n  so_dien_thoai VARCHAR(15),\n"
         "  email        VARCHAR(120),\n  ma_so_thue   CHAR(10),\n  don_vi_id    INT REFERENCES don_vi(id)\n);\n\n"
         "INSERT INTO can_bo (ho_ten, so_cccd, so_dien_thoai, email, ma_so_thue, don_vi_id)\nVALUES ('<HỌ TÊN>', '<SỐ CCCD>', '<SĐT>', '<EMAIL>', '<MST>', 3);\n```")
    add(F, t, "allow", [], "SQL schema with placeholder values only")

    t = ("docker compose lỗi 'password authentication failed', mình cấu hình thế này:\n\n```yaml\nservices:\n  db:\n    image: postgres:16\n"
         "    environment:\n      POSTGRES_USER: motcua\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n      POSTGRES_DB: motcua\n"
         "  app:\n    build: .\n    environment:\n      DATABASE_URL: postgres://motcua:${DB_PASSWORD}@db:5432/motcua\n"
         "      OPENAI_API_KEY: ${OPENAI_API_KEY}\n```\nfile .env để cạnh docker-compose.yml, đã chạy `docker compose config` thấy biến rỗng")
    add(F, t, "allow", [], "config that references secrets through environment variables only")

    t = ("Script backup này chạy cron báo lỗi, xem giúp:\n\n```bash\n#!/bin/bash\nset -euo pipefail\nBACKUP_DIR=/srv/backup/$(date +%Y%m%d)\n"
         "mkdir -p \"$BACKUP_DIR\"\nmysqldump --defaults-extra-file=/etc/mysql/backup.cnf --single-transaction qlvb > \"$BACKUP_DIR/qlvb.sql\"\n"
         "tar -czf \"$BACKUP_DIR/files.tar.gz\" /srv/qlvb/uploads\nfind /srv/backup -maxdepth 1 -mtime +14 -exec rm -rf {} \\;\n```\n"
         "Lỗi: mysqldump: Got error: 1044: Access denied for user 'backup'@'localhost' to database 'qlvb' when using LOCK TABLES")
    add(F, t, "allow", [], "backup script; credentials kept in a defaults file, not in the paste")

    t = ("Log lỗi đây, nguyên nhân là gì?\n\n2025-11-14T08:12:45.118Z ERROR [req=7f3a9c21] POST /api/v2/hoso -> 504 upstream timeout (30012 ms)\n"
         "2025-11-14T08:12:45.120Z WARN  [req=7f3a9c21] retry 1/3 host=10.20.4.15:8443 ma_ho_so=HS-2025-004512\n"
         "2025-11-14T08:13:15.402Z ERROR [req=7f3a9c21] retry 2/3 failed: ECONNRESET\n"
         "2025-11-14T08:13:46.007Z ERROR [req=7f3a9c21] giving up after 3 attempts; queue_depth=1842 pool_active=64/64\n"
         "2025-11-14T08:14:02.550Z INFO  [health] db=ok redis=ok disk=/dev/sda1 91% used")
    add(F, t, "allow", [], "application log: request ids, private IP, file-number codes, metrics")

    # ---------------------------------------------------------------- block
    k1 = "sk-proj-" + token(48, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    pw = token(10) + "!"
    db = "DATABASE_URL=postgresql://dvc_app:%s@10.20.4.21:5432/dichvucong" % pw
    zs = "ZALO_APP_SECRET=" + token(20)
    t = ("app không đọc được biến môi trường, file .env của mình đây:\n\n```\nNODE_ENV=production\nPORT=8080\nOPENAI_API_KEY=%s\n%s\n%s\n"
         "LOG_LEVEL=info\n```" % (k1, db, zs))
    add(F, t, "block", [("credential", k1), ("credential", db), ("credential", zs)], ".env pasted with an API key, a DB URL with password and an app secret")

    t = ("Test này fail ở case thẻ hợp lệ, sửa giúp:\n\n```python\nimport pytest\nfrom payment.validators import luhn\n\n"
         "@pytest.mark.parametrize(\"card,ok\", [\n    (\"4111111111111111\", True),   # Visa test card\n"
         "    (\"5555555555554444\", True),   # Mastercard test card\n    (\"4111111111111112\", False),\n])\n"
         "def test_luhn(card, ok):\n    assert luhn(card) is ok\n```")
    add(F, t, "block", [("credit_card", "4111111111111111"), ("credit_card", "5555555555554444")],
        "judgement: well-known Luhn-valid test card numbers are still card numbers for the policy (any Luhn-valid card blocks)")

    smtp = 'SMTP_PASSWORD = "%s"' % (token(5, "abcdefghijkmnpqrstuvwxyz") + "@" + token(6) + "2025")
    t = ("Code gửi mail thông báo hồ sơ bị lỗi SSL, xem giúp:\n\n```python\nimport smtplib, ssl\nfrom email.message import EmailMessage\n\n"
         "SMTP_HOST = \"mail.example.gov.vn\"\nSMTP_USER = \"noreply.motcua\"\n%s\n\n"
         "def send(to_addr, subject, body):\n    msg = EmailMessage()\n    msg[\"Subject\"] = subject\n    msg[\"From\"] = SMTP_USER\n"
         "    msg[\"To\"] = to_addr\n    msg.set_content(body)\n    with smtplib.SMTP_SSL(SMTP_HOST, 465, context=ssl.create_default_context()) as s:\n"
         "        s.login(SMTP_USER, SMTP_PASSWORD)\n        s.send_message(msg)\n```\nLỗi: ssl.SSLCertVerificationError: certificate verify failed" % smtp)
    add(F, t, "block", [("credential", smtp)], "script with a hard-coded SMTP password")

    recs, labs, phs = [], [], []
    for i in range(3):
        p = P()
        c, ph = make_cccd(female=p.female), make_mobile()
        recs.append('  {"id": %d, "ho_ten": "%s", "cccd": "%s", "sdt": "%s", "trang_thai": "cho_duyet"}' % (i + 1, p.name, c, ph))
        labs.append(("cccd", c))
        phs.append(("phone", ph))
    region = "\n".join(recs)
    t = ("API trả về đúng nhưng frontend không hiển thị, dữ liệu mẫu đây:\n\n```json\n[\n" + ",\n".join(recs) + "\n]\n```")
    region = t[t.index(recs[0]):t.index(recs[2]) + len(recs[2])]
    add(F, t, "block", labs + [("bulk_personal", region)] + phs, "JSON fixture copied from production: three citizens' CCCD and phones")

    p = P()
    c, ph = make_cccd(female=p.female), make_mobile()
    t = ("Tại sao request này bị 400?\n\n10.20.4.31 - - [14/Nov/2025:09:21:07 +0700] \"POST /dvc/nop-ho-so HTTP/1.1\" 400 212 \"-\" \"Mozilla/5.0\"\n"
         "request_body: ho_ten=%s&cccd=%s&sdt=%s&thu_tuc=1.004227&ghi_chu=\n"
         "error: field 'ngay_sinh' is required" % (p.name.replace(" ", "+"), c, ph))
    add(F, t, "block", [("cccd", c), ("phone", ph)], "access log with a logged form body: a citizen's CCCD and phone")

    body = "\n".join(token(70, B64) for _ in range(5))
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAA\n" + body + "\n-----END OPENSSH PRIVATE KEY-----"
    t = ("GitLab CI báo 'Load key: invalid format', file deploy của mình:\n\n```yaml\ndeploy:\n  stage: deploy\n  script:\n"
         "    - mkdir -p ~/.ssh && chmod 700 ~/.ssh\n    - |\n      cat > ~/.ssh/id_ed25519 <<'EOF'\n" +
         "\n".join("      " + ln for ln in key.split("\n")) +
         "\n      EOF\n    - chmod 600 ~/.ssh/id_ed25519\n    - ssh deploy@10.20.4.15 'cd /srv/motcua && ./deploy.sh'\n```")
    lab = "\n".join("      " + ln for ln in key.split("\n")).strip()
    add(F, t, "block", [("credential", lab)], "CI file with an OpenSSH private key pasted inline")


# =========================================================================== family: pos
# Stamps in unusual positions: markdown tables, quoted e-mail, footer, HTML, JSON/XML, CSV registers.

def fam_pos():
    F = "pos"
    num = "14/BC-CAT"
    t = ("Định dạng lại bảng markdown này cho đẹp:\n\n| TỐI MẬT | |\n|---|---|\n| CÔNG AN TỈNH PHÚ KHANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
         "| Số: %s | Phú Khang, ngày 06 tháng 11 năm 2025 |\n\n**BÁO CÁO**\nKết quả đấu tranh chuyên án PK-25: đã làm rõ đường dây 11 đối tượng, "
         "thu giữ 02 máy tính, 14 điện thoại; dự kiến kết thúc chuyên án trước 30/11." % num)
    add(F, t, "block", [("secret_marking", "TỐI MẬT"), ("state_doc_number", num)],
        "stamp alone in the header cell of a markdown table (the header converted to a table)")

    num = "45/BC-PA05"
    t = ("| CÔNG AN TỈNH KIM HÀ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|:---:|:---:|\n| PHÒNG AN NINH MẠNG | Độc lập - Tự do - Hạnh phúc |\n"
         "| Số: %s | Kim Hà, ngày 12 tháng 8 năm 2025 |\n| **MẬT** | |\n\nBÁO CÁO\nTình hình hoạt động của các hội nhóm trên mạng xã hội tháng 7/2025...\n\n"
         "(Copilot ơi chuyển bảng trên về dạng văn bản thường)" % num)
    add(F, t, "block", [("secret_marking", "MẬT"), ("state_doc_number", num)],
        "bold stamp in a markdown table row of its own under the number (box 10a)")

    a = P()
    inner = ("TỐI MẬT\nKẾ HOẠCH\nTổ chức lực lượng bảo vệ mục tiêu A2 dịp Tết Nguyên đán\n1. Lực lượng: 02 trung đội...\n2. Thời gian: từ 25 tháng Chạp...")
    t = ("Anh xem lại giúp em bản kế hoạch, em đã sửa mục 2.\n\nEm Long\n\nVào Th 6, 7 thg 11, 2025 lúc 16:40 %s đã viết:\n" % a.name + quote(inner))
    add(F, t, "block", [("secret_marking", "TỐI MẬT")], "stamp as the first line of the quoted e-mail ('> TỐI MẬT')")

    a, b = P(), P()
    lvl2 = "MẬT\nBáo cáo nhanh vụ việc tại xã Pà Lùng\nLúc 21h ngày 03/11, khoảng 30 người tụ tập trước trụ sở UBND xã..."
    lvl1 = "Chuyển anh Phó Giám đốc xem.\n\n%s wrote:\n" % b.name + quote(lvl2)
    t = "Đã báo cáo lãnh đạo, chờ ý kiến chỉ đạo.\n\n%s wrote:\n" % a.name + quote(lvl1)
    add(F, t, "block", [("secret_marking", "MẬT")], "stamp on the first line of a doubly quoted message ('> > MẬT')")

    num = "88/TTr-SNV"
    t = ("Viết lại đoạn kết cho hay hơn:\n\nSỞ NỘI VỤ TỈNH ĐÔNG LÂM\nSố: %s\nTỜ TRÌNH\nVề việc bổ nhiệm lại Giám đốc Trung tâm Lưu trữ lịch sử\n"
         "Sở Nội vụ trình UBND tỉnh xem xét bổ nhiệm lại đồng chí Giám đốc Trung tâm Lưu trữ lịch sử; kết quả lấy phiếu tín nhiệm 31/34 (91,2%%).\n"
         "Kính trình UBND tỉnh xem xét, quyết định./.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT, CCVC.\n\nGIÁM ĐỐC\n\n\nTỐI MẬT" % num)
    add(F, t, "block", [("secret_marking", "TỐI MẬT"), ("state_doc_number", num)],
        "judgement: stamp alone on the last line (page footer of a scanned page) is still in marking position")

    t = ("... đề nghị các đơn vị hoàn thành trước ngày 15/12/2025 và báo cáo kết quả về Thường trực Ban Chỉ đạo.\n\n"
         "Nơi nhận:\n- Thường trực Tỉnh ủy;\n- Lưu: VT.\n\nTRƯỞNG BAN\n(đã ký)\n\nTrang 4/4\nTUYỆT MẬT")
    add(F, t, "block", [("secret_marking", "TUYỆT MẬT")], "last page of a document: page number then the footer stamp")

    num = "77/KH-BCH"
    t = ("Chuyển HTML này sang Word giữ định dạng giúp mình:\n\n<div class=\"header\">\n<p align=\"center\"><b>BỘ CHỈ HUY QUÂN SỰ TỈNH LAM GIANG</b></p>\n"
         "<p align=\"center\">Số: %s</p>\n<p align=\"center\"><b>TỐI MẬT</b></p>\n</div>\n<h3>KẾ HOẠCH</h3>\n"
         "<p>Diễn tập khu vực phòng thủ huyện Sơn Kỳ năm 2026: thành phần, lực lượng, phương án tác chiến...</p>" % num)
    add(F, t, "block", [("secret_marking", "TỐI MẬT"), ("state_doc_number", num)], "stamp in an HTML paragraph of its own (<p><b>TỐI MẬT</b></p>)")

    t = ("Lỗi hiển thị khi xuất PDF, HTML từ trình soạn thảo e-office:\n\n<div class=\"vb-header\">\n  <span class=\"so-ky-hieu\">Số: 203/BC-UBND</span>\n"
         "  <div class=\"do-mat\">Mật</div>\n  <div class=\"do-khan\"></div>\n</div>\n<div class=\"vb-body\">Báo cáo kết quả rà soát nhân sự quy hoạch...</div>")
    add(F, t, "block", [("secret_marking", "Mật"), ("state_doc_number", "203/BC-UBND")],
        "HTML from an e-office editor: the level is the content of the 'do-mat' field element")

    t = ("<table border=\"1\">\n<tr><td>UBND TỈNH NGỌC SƠN<br>BAN CHỈ ĐẠO 35</td><td><strong>TUYỆT MẬT</strong></td></tr>\n"
         "<tr><td colspan=\"2\">Danh sách các trang mạng, tài khoản cần đấu tranh, xử lý đợt 4/2025</td></tr>\n</table>\n\n"
         "tóm tắt giúp mình nội dung bảng")
    add(F, t, "block", [("secret_marking", "TUYỆT MẬT")], "stamp alone in an HTML table cell of the header row")

    num = "61/KH-UBND"
    t = ("Parse giúp JSON này sang bảng:\n\n{\n  \"soKyHieu\": \"%s\",\n  \"ngayBanHanh\": \"2025-10-02\",\n  \"loaiVanBan\": \"Kế hoạch\",\n"
         "  \"doMat\": \"Mật\",\n  \"doKhan\": \"Thường\",\n  \"trichYeu\": \"Kế hoạch bảo vệ bí mật nhà nước năm 2026\",\n  \"soTrang\": 6\n}" % num)
    add(F, t, "block", [("secret_marking", "Mật"), ("state_doc_number", num)], "e-office JSON export with doMat = Mật")

    num = "29/PA-CAT"
    t = ("Viết code Python đọc file này và lọc văn bản theo độ mật:\n\n{\"data\": [{\"vanBan\": {\"soKyHieu\": \"%s\", \"metadata\": "
         "{\"doMat\": {\"ma\": \"TM\", \"ten\": \"Tối mật\"}, \"doKhan\": {\"ma\": \"K\", \"ten\": \"Khẩn\"}}, \"trichYeu\": \"Phương án bảo vệ "
         "Đại hội\"}}], \"total\": 1}" % num)
    add(F, t, "block", [("secret_marking", "Tối mật"), ("urgency_mark", "Khẩn"), ("state_doc_number", num)],
        "nested JSON metadata: doMat.ten = Tối mật (plus doKhan = Khẩn)")

    num = "33/BC-BCĐ"
    t = ("File XML liên thông văn bản bị lỗi schema, xem giúp:\n\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VanBan>\n  <SoKyHieu>%s</SoKyHieu>\n"
         "  <CoQuanBanHanh>Ban Chỉ đạo phòng chống tham nhũng, tiêu cực tỉnh</CoQuanBanHanh>\n  <DoMat>Tối mật</DoMat>\n  <DoKhan>Thường</DoKhan>\n"
         "  <TrichYeu>Báo cáo tiến độ xử lý các vụ việc được theo dõi, chỉ đạo</TrichYeu>\n</VanBan>" % num)
    add(F, t, "block", [("secret_marking", "Tối mật"), ("state_doc_number", num)], "XML export with a <DoMat> element")

    t = ("<?xml version=\"1.0\"?>\n<GoiTin loai=\"vanban\">\n  <VanBan soKyHieu=\"17/TB-VPTU\" doMat=\"Tuyệt mật\" doKhan=\"Thượng khẩn\" soTrang=\"3\"/>\n"
         "  <NoiNhan>Các đồng chí Ủy viên Ban Thường vụ</NoiNhan>\n</GoiTin>\n\nsao parser báo thiếu thẻ đóng?")
    add(F, t, "block", [("secret_marking", "Tuyệt mật"), ("urgency_mark", "Thượng khẩn"), ("state_doc_number", "17/TB-VPTU")],
        "XML attribute doMat=\"Tuyệt mật\" (metadata field in attribute form)")

    rows = [["STT", "Số ký hiệu", "Ngày đến", "Trích yếu", "Độ mật", "Độ khẩn"],
            ["1", "1125/UBND-KT", "03/11/2025", "V/v báo cáo giải ngân vốn đầu tư công", "Thường", "Thường"],
            ["2", "88-CV/HU", "04/11/2025", "V/v chuẩn bị Hội nghị BCH", "Thường", "Khẩn"],
            ["3", "41/BC-CAH", "04/11/2025", "Báo cáo tình hình ANTT tại các xã biên giới", "Mật", "Thường"],
            ["4", "209/TB-UBND", "05/11/2025", "Thông báo lịch tiếp công dân", "Thường", "Thường"]]
    t = "Sổ đăng ký văn bản đến tuần 45 (xuất từ phần mềm), thống kê giúp theo độ khẩn:\n" + csv_(rows)
    add(F, t, "block", [("secret_marking", "Mật"), ("urgency_mark", "Khẩn"), ("state_doc_number", "41/BC-CAH")],
        "judgement: a register export whose 'Độ mật' column marks one listed document Mật is a metadata field: block")

    num = "07/KH-BCA"
    t = ("Đoạn này mình copy từ file, nhờ sửa lỗi chính tả:\n\n```\nMẬT\n\nBỘ CHỈ HUY QUÂN SỰ HUYỆN NẬM KHAO\nSố: %s\nKẾ HOẠCH\n"
         "Huấn luyện dân quân thường trực năm 2026, nội dung bảo đảm bí mật về vị trí triển khai lực lượng...\n```" % num)
    add(F, t, "block", [("secret_marking", "MẬT"), ("state_doc_number", num)], "stamp as the first line inside a markdown code fence")

    t = ("[E-office] Thông báo: Bạn có 01 văn bản đến cần xử lý\nSố ký hiệu: 52/BC-STNMT\nTrích yếu: Báo cáo kết quả kiểm tra khu vực khai thác khoáng "
         "sản giáp ranh\nĐộ mật: Mật\nHạn xử lý: 20/11/2025\nĐăng nhập hệ thống để xem chi tiết.\n\nnhờ AI nhắc việc cho văn bản này")
    add(F, t, "block", [("secret_marking", "Độ mật: Mật"), ("state_doc_number", "52/BC-STNMT")],
        "e-office notification e-mail carrying the 'Độ mật: Mật' field")

    t = ("Sau hội nghị, các đại biểu nộp lại tài liệu cho Ban tổ chức tại bàn lễ tân; không mang tài liệu ra khỏi hội trường.\n\n"
         "Nơi nhận:\n- Các đại biểu dự hội nghị;\n- Lưu: VP.\n\nBAN TỔ CHỨC\n\nTÀI LIỆU THU HỒI")
    add(F, t, "block", [("secret_handling_mark", "TÀI LIỆU THU HỒI")], "recall mark as the last line (footer) of a conference document")

    # ---------------------------------------------------------------- warn
    num = "1201/UBND-KT"
    t = ("| HỎA TỐC |\n|---|\n| UBND HUYỆN SƠN KỲ - Số: %s |\n| V/v báo cáo tiến độ giải ngân vốn đầu tư công trước 10h ngày 15/11 |\n\n"
         "viết giúp báo cáo ngắn trả lời văn bản trên" % num)
    add(F, t, "warn", [("urgency_mark", "HỎA TỐC"), ("state_doc_number", num)], "urgency stamp alone in a markdown table header cell")

    t = ("<p align=\"center\"><b>LƯU HÀNH NỘI BỘ</b></p>\n<h2>SỔ TAY HƯỚNG DẪN NGHIỆP VỤ MỘT CỬA</h2>\n<p>Chương 1. Quy trình tiếp nhận hồ sơ...</p>\n\n"
         "chuyển sang markdown")
    add(F, t, "warn", [("circulation_mark", "LƯU HÀNH NỘI BỘ")], "circulation note in an HTML paragraph")

    num = "2290/UBND-TH"
    t = ("{\"soKyHieu\": \"%s\", \"doMat\": \"Thường\", \"doKhan\": \"Thượng khẩn\", \"trichYeu\": \"V/v báo cáo nhanh thiệt hại do lũ quét\"}\n\n"
         "viết hàm JS hiển thị badge đỏ cho văn bản khẩn" % num)
    add(F, t, "warn", [("urgency_mark", "Thượng khẩn"), ("state_doc_number", num)],
        "judgement: a doKhan metadata value is treated like an urgency stamp (warn); doMat is Thường")

    # ---------------------------------------------------------------- allow
    t = ("<article>\n<h1>Lộ tài liệu mật vì dùng chatbot</h1>\n<p>Một cán bộ đã dán báo cáo có dấu <b>Tối mật</b> vào công cụ AI để nhờ tóm tắt, "
         "khiến nội dung bị lưu trên máy chủ nước ngoài.</p>\n<p>Cơ quan chức năng khuyến cáo không đưa tài liệu <i>Mật</i> lên mạng.</p>\n</article>\n\n"
         "sửa lỗi HTML giúp mình")
    add(F, t, "allow", [], "HTML news where the stamp words are bold/italic inside sentences")

    t = ("{\"soKyHieu\": \"215/TB-UBND\", \"doMat\": \"Thường\", \"doKhan\": \"Thường\", \"trichYeu\": \"Thông báo lịch tiếp công dân tháng 12/2025\", "
         "\"congKhai\": true}\n\nchuyển JSON thành câu thông báo")
    add(F, t, "allow", [], "e-office JSON with doMat = Thường and doKhan = Thường")

    t = ("Chuyển bảng sau thành câu hỏi trắc nghiệm (tài liệu tập huấn):\n\nThời hạn bảo vệ bí mật nhà nước theo độ mật (theo luật cũ, để tham khảo)\n"
         "| Độ mật | Thời hạn bảo vệ | Ví dụ |\n|---|---|---|\n| Tuyệt mật | 30 năm | Kế hoạch tác chiến chiến lược |\n"
         "| Tối mật | 20 năm | Phương án nhân sự chưa công bố |\n| Mật | 10 năm | Báo cáo an ninh cấp huyện |")
    add(F, t, "allow", [], "judgement: a training table mapping each level to its protection period is discussion, not a field of a real document")

    t = ("Giải thích XSD này giúp mình:\n\n<xs:simpleType name=\"DoMatType\">\n  <xs:restriction base=\"xs:string\">\n"
         "    <xs:enumeration value=\"Thường\"/>\n    <xs:enumeration value=\"Mật\"/>\n    <xs:enumeration value=\"Tối mật\"/>\n"
         "    <xs:enumeration value=\"Tuyệt mật\"/>\n  </xs:restriction>\n</xs:simpleType>")
    add(F, t, "allow", [], "judgement: an XML schema listing the allowed values of the field is a definition, not a marked document")


# =========================================================================== validation

STAMP_WORDS = {
    "secret_marking": {"TUYET MAT", "TOI MAT", "MAT"},
    "secret_handling_mark": {"TAI LIEU THU HOI", "CHI NGUOI CO TEN MOI DUOC BOC BI"},
    "urgency_mark": {"KHAN", "THUONG KHAN", "HOA TOC"},
    "circulation_mark": {"LUU HANH NOI BO", "XEM XONG TRA LAI", "XONG HOI NGHI TRA LAI"},
}

PHONE_RE = re.compile(r"(?<![\d+])(?<!\d[ .])(?:\+84|84|0)(?:[ .]?\d){9}(?![ .]?\d)")
CCCD_RE = re.compile(r"(?<!\d)(?<!\d[ .\-])\d(?:[ .\-]?\d){11}(?![ .\-]?\d)")
LUHN_RE = re.compile(r"(?<!\d)(?<!\d[ \-])\d(?:[ \-]?\d){12,18}(?![ \-]?\d)")
MST_RE = re.compile(r"(?<!\d)\d{10}(?:-\d{3})?(?!\d)")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PLATE_RE = re.compile(r"(?<![\w])(?:\d{2}[A-Z]{1,2}\d?-\d{3}\.\d{2}|\d{2}-[A-Z]\d \d{3}\.\d{2})(?!\d)")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,8}(?: ?[A-Z0-9]{1,3})?\b")
QR_RE = re.compile(r"000201\d\d[0-9A-Za-z]+")
TOKEN_RE = re.compile(r"sk-(?:proj-)?[A-Za-z0-9_\-]{20,}|ghp_[A-Za-z0-9]{30,}|AKIA[A-Z0-9]{16}|xox[bp]-[\w-]+|"
                      r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
PW_RE = re.compile(r"(?i)(mat khau|password|passwd|pwd|\bmk|pass wifi)\s*[:=]\s*(\S+)")
META_RES = [re.compile(r"(?i)do mat\s*:\s*(tuyet mat|toi mat|mat)\b"),
            re.compile(r"(?i)\"do_?mat\"\s*:\s*\"(tuyet mat|toi mat|mat)\""),
            re.compile(r"(?i)<domat>\s*(tuyet mat|toi mat|mat)\s*<"),
            re.compile(r"(?i)domat=\"(tuyet mat|toi mat|mat)\""),
            re.compile(r"(?i)\"ten\"\s*:\s*\"(tuyet mat|toi mat|mat)\"")]
STATE_NUM_RE = re.compile(r"\d+/(?:\d{4}/)?[A-ZĐ][A-ZĐa-z0-9&]*(?:-[A-ZĐ0-9][A-ZĐa-z0-9&]*)*")
PARTY_NUM_RE = re.compile(r"\d+-[A-Za-z]+/[A-ZĐ][A-ZĐa-z]*")


def line_core(line):
    s = re.sub(r"<[^>]+>", " ", line)
    s = re.sub(r"^[\s|*#>`\"'\[\]()•\-–_‾]+", "", s)
    s = re.sub(r"[\s|*#>`\"'\[\]().,;:_‾]+$", "", s)
    return s


def classify_core(core):
    k = re.sub(r"\s+", " ", fold(core)).upper().strip()
    for typ, words in STAMP_WORDS.items():
        if k in words:
            return typ
    if re.fullmatch(r"BAN SAO SO \d+", k):
        return "secret_handling_mark"
    return None


def label_spans(text, labels, types=None):
    spans = []
    for lab in labels:
        if types and lab["type"] not in types:
            continue
        v = lab["value"]
        i = text.find(v)
        while i >= 0:
            spans.append((i, i + len(v), lab["type"]))
            i = text.find(v, i + 1)
    return spans


def covered(span, spans, types):
    return any(s <= span[0] and span[1] <= e and t in types for s, e, t in spans)


def label_level(lab):
    t = lab["type"]
    if t == "mst":
        return 2 if lab["value"] in PERSONAL_MST else 1
    if t in BLOCK_TYPES:
        return 2
    if t in WARN_TYPES:
        return 1
    return 0


def check_label_value(lab):
    t, v = lab["type"], lab["value"]
    d = only_digits(v)
    ok = True
    if t == "cccd":
        ok = cccd_ok(d)
    elif t == "cmnd":
        ok = len(d) == 9 and d == v
    elif t == "mst":
        ok = mst_ok(v)
    elif t == "credit_card":
        ok = luhn_ok(d)
    elif t == "iban":
        ok = iban_ok(v)
    elif t == "vietqr":
        ok = vietqr_ok(v)
    elif t == "phone":
        ok = mobile_ok(d) and (v.startswith("0") or v.startswith("+84"))
    elif t == "email":
        dom = v.split("@")[-1]
        ok = bool(EMAIL_RE.fullmatch(v)) and ("." + dom).find(".example.") >= 0
    elif t == "bhxh":
        ok = len(d) == 10 and d == v and not mst_ok(d) and not mobile_ok(d)
    elif t == "bhyt":
        ok = bool(re.fullmatch(r"[A-Z]{2}\d{13}", v))
    elif t == "passport":
        ok = bool(re.fullmatch(r"[A-Z]\d{7}", v))
    elif t == "license_plate":
        ok = bool(PLATE_RE.fullmatch(v))
    elif t == "bank_account":
        ok = 8 <= len(d) <= 16 and not looks_like_identifier(d)
    elif t == "state_doc_number":
        ok = bool(STATE_NUM_RE.fullmatch(v))
    elif t == "party_doc_number":
        ok = bool(PARTY_NUM_RE.fullmatch(v))
    elif t == "secret_marking":
        ok = "MAT" in fold(v).upper()
    return ok


ID_TYPES = {"cccd", "cmnd", "mst", "bhxh", "bhyt", "passport", "phone", "email", "bank_account",
            "credit_card", "iban", "vietqr", "license_plate"}
WELL_KNOWN_TEST_CARDS = {"4111111111111111", "5555555555554444"}


def validate(items):
    errs = []
    ids = set()
    texts = set()
    seen_ids = {}
    for it in items:
        for lab in it["labels"]:
            if lab["type"] in ID_TYPES:
                key = only_digits(lab["value"]) if lab["type"] not in ("email", "license_plate", "bhyt", "passport", "iban", "vietqr") else lab["value"]
                if key in WELL_KNOWN_TEST_CARDS:
                    continue
                prev = seen_ids.setdefault((lab["type"], key), it["id"])
                if prev != it["id"]:
                    errs.append("%s: identifier %r already used in %s" % (it["id"], lab["value"], prev))
    for it in items:
        iid, text, exp, labels = it["id"], it["text"], it["expect"], it["labels"]

        def err(msg):
            errs.append("%s: %s" % (iid, msg))
        if not re.fullmatch(r"rw-[a-z]+-\d{3}", iid):
            err("bad id")
        if iid in ids:
            err("duplicate id")
        ids.add(iid)
        if text in texts:
            err("duplicate text")
        texts.add(text)
        if exp not in ("allow", "warn", "block"):
            err("bad expect")
        if not it.get("note"):
            err("empty note")
        for lab in labels:
            if lab["type"] not in TYPES:
                err("bad type %s" % lab["type"])
            if lab["value"] not in text:
                err("label value not a substring: %r" % lab["value"])
            if not check_label_value(lab):
                err("label fails its validator: %r" % (lab,))
        if exp == "allow" and labels:
            err("allow item with labels")
        if exp != "allow" and not labels:
            err("non-allow item without labels")
        lvl = max([label_level(l) for l in labels] or [0])
        if {0: "allow", 1: "warn", 2: "block"}[lvl] != exp:
            err("expect %s but labels give level %d" % (exp, lvl))
        # bulk regions hold at least three contact labels
        for lab in labels:
            if lab["type"] == "bulk_personal":
                n = len({l["value"] for l in labels if l["type"] in ("phone", "email") and l["value"] in lab["value"]})
                if n < 3:
                    err("bulk_personal region with fewer than 3 contact labels")
        spans = label_spans(text, labels)
        # stamp-only lines
        for line in text.split("\n"):
            core = line_core(line)
            typ = classify_core(core) if core else None
            if not typ:
                continue
            if exp == "allow":
                err("allow item has a stamp-only line %r" % line)
            elif exp == "warn" and typ in ("secret_marking", "secret_handling_mark"):
                err("warn item has a secret stamp line %r" % line)
            if not any(l["type"] == typ and l["value"] == core for l in labels):
                err("stamp line %r not labelled as %s %r" % (line, typ, core))
        ft = fold(text)
        if len(ft) != len(text):
            err("fold() changed the length; metadata spans would be wrong")
        for rx in META_RES:
            for m in rx.finditer(ft):
                if exp != "block":
                    err("metadata level field in a %s item: %r" % (exp, m.group(0)))
        # identifiers found anywhere must be labelled with the right type
        for m in PHONE_RE.finditer(text):
            if mobile_ok(only_digits(m.group(0))) and not covered(m.span(), spans, {"phone"}):
                err("unlabelled mobile %r" % m.group(0))
        for m in CCCD_RE.finditer(text):
            if cccd_ok(only_digits(m.group(0))) and not covered(m.span(), spans, {"cccd"}):
                err("unlabelled CCCD-valid number %r" % m.group(0))
        for m in LUHN_RE.finditer(text):
            if luhn_ok(only_digits(m.group(0))) and not covered(m.span(), spans, {"credit_card"}):
                err("unlabelled Luhn-valid number %r" % m.group(0))
        for m in MST_RE.finditer(text):
            d = m.group(0)[:10]
            if mst_ok(m.group(0)) and not mobile_ok(d) and not covered(m.span(), spans, {"mst"}):
                err("unlabelled MST-valid number %r" % m.group(0))
        for m in EMAIL_RE.finditer(text):
            if not covered(m.span(), spans, {"email"}):
                err("unlabelled e-mail %r" % m.group(0))
        for m in PLATE_RE.finditer(text):
            if not covered(m.span(), spans, {"license_plate"}):
                err("unlabelled plate %r" % m.group(0))
        for m in IBAN_RE.finditer(text):
            if iban_ok(m.group(0)) and not covered(m.span(), spans, {"iban"}):
                err("unlabelled IBAN %r" % m.group(0))
        for m in QR_RE.finditer(text):
            if vietqr_ok(m.group(0)) and not covered(m.span(), spans, {"vietqr"}):
                err("unlabelled VietQR %r" % m.group(0))
        for m in TOKEN_RE.finditer(text):
            if not covered(m.span(), spans, {"credential"}):
                err("unlabelled token %r" % m.group(0))
        for m in PW_RE.finditer(ft):
            val = m.group(2).rstrip(",.;")
            if not val or val[0] in "$<*'\"(" or val.lower() in ("khoi", "moi"):
                continue
            if exp == "allow":
                err("written-out password in an allow item: %r" % text[m.start():m.end()])
            elif not covered((m.start(2), m.start(2) + len(val)), spans, {"credential"}):
                err("unlabelled password %r" % text[m.start():m.end()])
    return errs


# =========================================================================== main

FAMILIES = [fam_wrap, fam_ocr, fam_pdf, fam_sheet, fam_minutes, fam_email, fam_zalo, fam_longdoc, fam_code, fam_pos]


def build():
    for fam in FAMILIES:
        fam()
    counters = {}
    out = []
    for it in ITEMS:
        n = counters.get(it["family"], 0) + 1
        counters[it["family"]] = n
        out.append({"id": "rw-%s-%03d" % (it["family"], n), "text": it["text"], "expect": it["expect"],
                    "labels": it["labels"], "note": it["note"]})
    return out


def render(items):
    return "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)


def summary(items):
    from collections import Counter
    ce = Counter(it["expect"] for it in items)
    fam = Counter()
    for it in items:
        fam[(it["id"].split("-")[1], it["expect"])] += 1
    print("total %d: %s" % (len(items), ", ".join("%s %d (%.0f%%)" % (k, ce[k], 100.0 * ce[k] / len(items))
                                                   for k in ("block", "warn", "allow"))))
    for f in sorted({k[0] for k in fam}):
        print("  %-8s block %2d  warn %2d  allow %2d" % (f, fam[(f, "block")], fam[(f, "warn")], fam[(f, "allow")]))


def main():
    items = build()
    errs = validate(items)
    if errs:
        for e in errs:
            print("ERROR", e, file=sys.stderr)
        print("%d error(s); %s not written" % (len(errs), OUT), file=sys.stderr)
        return 1
    data = render(items)
    if "--check" in sys.argv[1:]:
        with open(OUT, encoding="utf-8") as f:
            disk = f.read()
        if disk != data:
            print("realworld.jsonl differs from the generator output", file=sys.stderr)
            return 1
        parsed = [json.loads(line) for line in disk.splitlines()]
        errs = validate(parsed)
        if errs:
            for e in errs:
                print("ERROR", e, file=sys.stderr)
            return 1
        summary(parsed)
        print("OK: %s matches the generator and validates" % OUT)
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(data)
    summary(items)
    print("wrote %d items to %s" % (len(items), OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
