#!/usr/bin/env python3
"""Build the labelled Vietnamese DLP test corpus (documents.jsonl) deterministically.

Usage:  python3 generate_documents.py            # writes documents.jsonl next to this script
        python3 generate_documents.py --check    # also re-validates an existing documents.jsonl

Standard library only. Every identifier is synthetic: generated with a fixed seed, valid by
structure (computed check digits where a check digit exists), never taken from a real person.
Names are common invented Vietnamese names; places and organisations are invented
("tỉnh Hòa Lâm" and so on). Published document numbers cited in prose are real public texts.

Each line: {"id", "text", "expect": allow|warn|block, "labels": [{"type", "value"}], "note"}.
`labels` lists the findings a correct engine should report for the text (the ones that justify
the verdict first; context findings such as document numbers are listed too); every value is
an exact substring of `text`. Allow items have no labels.
"""

import base64
import json
import os
import random
import sys
import unicodedata

SEED = 20260301
R = random.Random(SEED)
CURRENT_YEAR = 2026

LABEL_TYPES = {
    "secret_marking", "secret_handling_mark", "circulation_mark", "urgency_mark",
    "party_doc_number", "state_doc_number", "cccd", "cmnd", "mst", "bhxh", "bhyt", "passport",
    "phone", "email", "bank_account", "credit_card", "iban", "vietqr", "license_plate",
    "sensitive_personal", "credential", "bulk_personal",
}

# --------------------------------------------------------------------------------------------
# Reference tables
# --------------------------------------------------------------------------------------------

# CCCD province-of-registration codes (63 provinces, pre-2025-merger table).
CCCD_PROVINCES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh",
    "024": "Bắc Giang", "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương",
    "031": "Hải Phòng", "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình",
    "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam",
    "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên", "056": "Khánh Hòa",
    "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum", "064": "Gia Lai", "066": "Đắk Lắk",
    "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước", "072": "Tây Ninh",
    "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "TP. Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}
assert len(CCCD_PROVINCES) == 63
UNKNOWN_CCCD_CODES = ["003", "005", "009", "013", "021", "029", "039", "050", "053", "061",
                      "063", "071", "078", "085", "090", "097", "098", "099"]

MOBILE_PREFIXES = (["3%d" % d for d in range(2, 10)] + ["52", "55", "56", "58", "59"]
                   + ["70", "76", "77", "78", "79"] + ["8%d" % d for d in range(1, 10)]
                   + ["9%d" % d for d in range(0, 10)])

CMND_PREFIXES = ["01", "02", "03", "04", "09", "12", "13", "14", "16", "17", "18", "19", "20",
                 "21", "22", "23", "24", "25", "27", "28", "29", "31", "33", "34", "35", "36"]

BANKS = [  # (short name, full name, VietQR BIN, account length choices)
    ("Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)", "970436", (13,)),
    ("VietinBank", "Ngân hàng TMCP Công Thương Việt Nam (VietinBank)", "970415", (12,)),
    ("BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam (BIDV)", "970418", (14,)),
    ("Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam (Agribank)", "970405", (13,)),
    ("Techcombank", "Ngân hàng TMCP Kỹ Thương Việt Nam (Techcombank)", "970407", (14,)),
    ("MB", "Ngân hàng TMCP Quân đội (MB)", "970422", (13, 11)),
    ("ACB", "Ngân hàng TMCP Á Châu (ACB)", "970416", (11,)),
]

PLATE_CAR_AREAS = ["29", "30", "31", "32", "33", "40", "51", "43", "36", "37", "15", "14", "99",
                   "60", "61", "65", "47", "72"]
PLATE_CAR_SERIES = "ABCDEFGHKLM"
PLATE_BIKE_AREAS = ["29", "30", "59", "43", "36", "37", "15", "99", "60", "65"]
PLATE_BIKE_SERIES = ["B1", "C1", "D1", "E1", "F1", "G1", "H1", "K1", "L1", "X1", "X2", "X3", "T1",
                     "N1", "P1", "S1"]

EMAIL_DOMAINS = ["example.gov.vn", "hoalam.example.gov.vn", "example.com.vn", "example.vn",
                 "mail.example.com", "example.edu.vn", "example.org.vn"]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương",
            "Lý", "Phan", "Trịnh", "Đinh", "Lương", "Mai", "Tạ", "Hồ", "Cao"]
MALE_MID = ["Văn", "Đức", "Quốc", "Minh", "Hữu", "Thanh", "Quang", "Công", "Xuân", "Ngọc",
            "Tiến", "Mạnh"]
FEMALE_MID = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Kim", "Thùy", "Bích"]
MALE_GIVEN = ["An", "Bình", "Dũng", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam", "Phúc", "Quân",
              "Sơn", "Tài", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Hải", "Cường", "Đạt", "Kiên"]
FEMALE_GIVEN = ["Anh", "Bình", "Châu", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
                "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Tuyết", "Uyên",
                "Yến", "Giang"]

# Invented provinces / districts (not real provinces) for agency names.
PLACES = ["Hòa Lâm", "An Thịnh", "Bắc Hưng", "Đông Phú", "Nam Sơn Hà", "Tây Lạc", "Vĩnh An Hòa"]
DISTRICTS = ["Đông Hưng Phú", "Lạc Thủy Tây", "Tân Hòa Bắc", "Phú Xuân Đông", "Thạch An Nam",
             "Yên Lạc Đông"]

# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def unaccent(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


def vn_date(year=None, month=None, day=None):
    year = year or R.choice([2024, 2025, 2025])
    month = month or R.randint(1, 12)
    day = day or R.randint(1, 28)
    return year, month, day


def admin_date(place, d):
    """'Hòa Lâm, ngày 05 tháng 02 năm 2025' (Decree 30/2020 padding: day < 10, month < 3)."""
    y, m, dd = d
    ms = "%02d" % m if m < 3 else str(m)
    return "%s, ngày %02d tháng %s năm %d" % (place, dd, ms, y)


def dmy(d):
    return "%02d/%02d/%d" % (d[2], d[1], d[0])


def person(female=None, min_age=22, max_age=60):
    if female is None:
        female = R.random() < 0.5
    sur = R.choice(SURNAMES)
    while True:
        if female:
            mid, given = R.choice(FEMALE_MID), R.choice(FEMALE_GIVEN)
        else:
            mid, given = R.choice(MALE_MID), R.choice(MALE_GIVEN)
        if mid != given:
            break
    name = "%s %s %s" % (sur, mid, given)
    year = CURRENT_YEAR - R.randint(min_age, max_age)
    return {"name": name, "female": female, "dob": (year, R.randint(1, 12), R.randint(1, 28)),
            "title": "Bà" if female else "Ông", "ong": "bà" if female else "ông",
            "anh": "chị" if female else "anh"}


def distinct_people(n, **kw):
    out, seen = [], set()
    while len(out) < n:
        p = person(**kw)
        if p["name"] not in seen:
            seen.add(p["name"])
            out.append(p)
    return out


# ---- identifiers ---------------------------------------------------------------------------

def gen_cccd(birth_year, female, prov=None):
    assert CURRENT_YEAR - 120 <= birth_year <= CURRENT_YEAR
    prov = prov or R.choice(sorted(CCCD_PROVINCES))
    century = 0 if birth_year < 2000 else 2
    return "%s%d%02d%06d" % (prov, century + (1 if female else 0), birth_year % 100,
                             R.randrange(10 ** 6))


def cccd_valid(s):
    d = "".join(c for c in unicodedata.normalize("NFKC", s) if c.isdigit())
    if len(d) != 12 or d[:3] not in CCCD_PROVINCES:
        return False
    c = int(d[3])
    if c > 3:
        return False
    year = (1900 if c < 2 else 2000) + int(d[4:6])
    return CURRENT_YEAR - 120 <= year <= CURRENT_YEAR


def gen_cmnd():
    return R.choice(CMND_PREFIXES) + "%07d" % R.randrange(10 ** 7)


MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def mst_check_digit(d9):
    r = sum(w * int(c) for w, c in zip(MST_WEIGHTS, d9)) % 11
    return None if r == 0 else str(10 - r)  # r == 0 would need "10": never issued


def mst_valid(s):
    d = s.replace(".", "").replace(" ", "")
    base = d.split("-")[0]
    if len(base) != 10 or not base.isdigit() or base[:2] == "00":
        return False
    return mst_check_digit(base[:9]) == base[9]


def gen_mst(personal=False):
    while True:
        if personal:
            d9 = "8" + str(R.randint(0, 7)) + "%07d" % R.randrange(10 ** 7)
        else:
            d9 = R.choice(["01", "03", "02", "04", "23", "27", "37", "36", "38", "31"]) + \
                "%07d" % R.randrange(1, 10 ** 7)
        c = mst_check_digit(d9)
        if c is not None:
            return d9 + c


def gen_bad_mst():
    good = gen_mst()
    bad_last = str((int(good[9]) + R.randint(1, 9)) % 10)
    bad = good[:9] + bad_last
    assert not mst_valid(bad)
    return bad


def luhn_digit(payload):
    total = 0
    for i, ch in enumerate(reversed(payload)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def luhn_ok(num):
    d = "".join(c for c in num if c.isdigit())
    return luhn_digit(d[:-1]) == d[-1]


def gen_card(kind):
    if kind == "visa":
        body = "4" + "".join(str(R.randrange(10)) for _ in range(14))
    elif kind == "mc":
        body = str(R.randint(51, 55)) + "".join(str(R.randrange(10)) for _ in range(13))
    elif kind == "mc2":
        body = str(R.randint(2221, 2720)) + "".join(str(R.randrange(10)) for _ in range(11))
    elif kind == "napas":
        body = R.choice(["970436", "970418", "970415", "970405"]) + \
            "".join(str(R.randrange(10)) for _ in range(9))
    else:
        raise ValueError(kind)
    return body + luhn_digit(body)


def gen_bad_card(kind):
    good = gen_card(kind)
    bad = good[:-1] + str((int(good[-1]) + R.randint(1, 9)) % 10)
    assert not luhn_ok(bad)
    return bad


def group4(s, sep=" "):
    return sep.join(s[i:i + 4] for i in range(0, len(s), 4))


def iban_check_digits(country, bban):
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    return "%02d" % (98 - int(num) % 97)


def iban_valid(s):
    s = s.replace(" ", "")
    num = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(num) % 97 == 1


def gen_iban(country):
    if country == "DE":
        bban = "%08d" % R.randrange(10000000, 10 ** 8) + "%010d" % R.randrange(10 ** 10)
    elif country == "GB":
        bank = "".join(R.choice("ABCDEFGHJKLMNPRSTUWXYZ") for _ in range(4))
        bban = bank + "%06d" % R.randrange(10 ** 6) + "%08d" % R.randrange(10 ** 8)
    elif country == "FR":
        bank, branch = "%05d" % R.randrange(10000, 10 ** 5), "%05d" % R.randrange(10 ** 5)
        acct = "%011d" % R.randrange(10 ** 11)
        key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97)
        bban = bank + branch + acct + "%02d" % key
    elif country == "NL":
        bank = "".join(R.choice("ABCDEFGHJKLMNPRSTUWXYZ") for _ in range(4))
        bban = bank + "%010d" % R.randrange(10 ** 10)
    else:
        raise ValueError(country)
    return country + iban_check_digits(country, bban) + bban


def crc16_ccitt(data):
    crc = 0xFFFF
    for b in data.encode("utf-8"):
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


assert crc16_ccitt("123456789") == 0x29B1


def tlv(tag, value):
    assert len(value) < 100
    return "%s%02d%s" % (tag, len(value), value)


def gen_vietqr(bin_, account, amount=None, purpose=None):
    merchant = (tlv("00", "A000000727") + tlv("01", tlv("00", bin_) + tlv("01", account))
                + tlv("02", "QRIBFTTA"))
    p = tlv("00", "01") + tlv("01", "12" if amount else "11") + tlv("38", merchant) + tlv("53", "704")
    if amount:
        p += tlv("54", str(amount))
    p += tlv("58", "VN")
    if purpose:
        p += tlv("62", tlv("08", purpose))
    p += "6304"
    return p + "%04X" % crc16_ccitt(p)


def vietqr_valid(s):
    return s[-8:-4] == "6304" and "%04X" % crc16_ccitt(s[:-4]) == s[-4:]


def gen_phone():
    return "0" + R.choice(MOBILE_PREFIXES) + "%07d" % R.randrange(10 ** 7)


def fmt_phone(p, style):
    if style == "plain":
        return p
    if style == "433":
        return "%s %s %s" % (p[:4], p[4:7], p[7:])
    if style == "dot":
        return "%s.%s.%s" % (p[:4], p[4:7], p[7:])
    if style == "intl":
        return "+84 %s %s %s" % (p[1:4], p[4:7], p[7:])
    if style == "intl_plain":
        return "+84" + p[1:]
    raise ValueError(style)


def gen_email(p, style=None, domain=None):
    parts = unaccent(p["name"]).lower().split()
    style = style if style is not None else R.randrange(4)
    if style == 0:
        local = "".join(parts)
    elif style == 1:
        local = parts[-1] + "." + "".join(x[0] for x in parts[:-1])
    elif style == 2:
        local = parts[-1] + "".join(x[0] for x in parts[:-1]) + "%02d" % (p["dob"][0] % 100)
    else:
        local = parts[0] + "." + parts[-1]
    return local + "@" + (domain or R.choice(EMAIL_DOMAINS))


def gen_bhxh(prov=None):
    prov = prov or "%02d" % R.choice([1, 2, 4, 8, 19, 22, 26, 27, 31, 38, 40, 48, 56, 74, 79, 92])
    return prov + "%08d" % R.randrange(10 ** 8)


def gen_bhyt(group=None):
    b = gen_bhxh()
    group = group or R.choice(["DN", "HC", "HT", "HS", "GD", "CN", "HN", "CB"])
    return group + str(R.randint(1, 5)) + b[:2] + b


def gen_passport():
    return R.choice("CCCBN") + "%07d" % R.randrange(10 ** 7)


def gen_plate(kind):
    if kind == "car":
        return "%s%s-%03d.%02d" % (R.choice(PLATE_CAR_AREAS), R.choice(PLATE_CAR_SERIES),
                                   R.randrange(1000), R.randrange(100))
    return "%s-%s %03d.%02d" % (R.choice(PLATE_BIKE_AREAS), R.choice(PLATE_BIKE_SERIES),
                                R.randrange(1000), R.randrange(100))


def gen_bank_account(bank):
    length = R.choice(bank[3])
    while True:
        acct = str(R.randint(1, 9)) + "".join(str(R.randrange(10)) for _ in range(length - 1))
        if len(acct) == 12 and acct[:3] in CCCD_PROVINCES:
            continue
        return acct


def rand_alnum(n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"):
    return "".join(R.choice(alphabet) for _ in range(n))


def rand_b64_lines(nbytes, width=64, prefix=""):
    raw = bytes(R.getrandbits(8) for _ in range(nbytes))
    s = prefix + base64.b64encode(raw).decode()
    return "\n".join(s[i:i + width] for i in range(0, len(s), width))


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in s)


CYRILLIC = {"T": "Т", "O": "О", "I": "І", "M": "М", "A": "А", "P": "Р", "E": "Е", "H": "Н",
            "K": "К", "C": "С", "Y": "У", "B": "В", "X": "Х"}
GREEK = {"T": "Τ", "O": "Ο", "I": "Ι", "M": "Μ", "A": "Α", "P": "Ρ", "E": "Ε", "H": "Η",
         "K": "Κ", "Y": "Υ", "B": "Β", "X": "Χ", "N": "Ν"}


def lookalike(s, table):
    return "".join(table.get(c, c) for c in s)


def spaced(s, sep=" "):
    words = s.split(" ")
    return (sep * 2).join(sep.join(w) for w in words)


# --------------------------------------------------------------------------------------------
# Corpus assembly
# --------------------------------------------------------------------------------------------

ITEMS = []
_counters = {}


def add(family, expect, text, labels, note, nfd=False):
    if nfd:
        text = unicodedata.normalize("NFD", text)
        labels = [(t, unicodedata.normalize("NFD", v)) for t, v in labels]
    _counters[family] = _counters.get(family, 0) + 1
    ITEMS.append({
        "id": "vn-%s-%03d" % (family, _counters[family]),
        "text": text,
        "expect": expect,
        "labels": [{"type": t, "value": v} for t, v in labels],
        "note": note,
    })


MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def state_header(parent, agency, so, place, d, layout, box10=(), summary=None):
    """Flattened text of a Decree 30/2020 header; box10 lines (stamps) placed by layout."""
    date = admin_date(place, d)
    stamps = list(box10)
    lines = []
    if layout == "tab":
        if agency:
            lines.append("%s\t%s" % (parent, MOTTO[0]))
            lines.append("%s\t%s" % (agency, MOTTO[1]))
        else:
            lines.append("%s\t%s" % (parent, MOTTO[0]))
            lines.append("\t%s" % MOTTO[1])
        lines.append("Số: %s\t%s" % (so, date))
        if summary:
            lines.append(summary)
        lines += stamps
    elif layout == "left_first":
        lines += [x for x in (parent, agency) if x] + ["Số: %s" % so]
        if summary:
            lines.append(summary)
        lines += stamps
        lines += [MOTTO[0], MOTTO[1], date]
    elif layout == "right_first":
        lines += [MOTTO[0], MOTTO[1]] + [x for x in (parent, agency) if x] + ["Số: %s" % so]
        if summary:
            lines.append(summary)
        lines += stamps
        lines.append(date)
    elif layout == "stamp_above_so":
        lines += [MOTTO[0], MOTTO[1]] + [x for x in (parent, agency) if x]
        lines += stamps
        lines.append("Số: %s" % so)
        if summary:
            lines.append(summary)
        lines.append(date)
    else:
        raise ValueError(layout)
    return "\n".join(lines)


# ---- document bodies for marked state documents ---------------------------------------------

def secret_bodies(place, district):
    P = place
    return [
        dict(parent="CÔNG AN TỈNH %s" % P.upper(), agency="PHÒNG AN NINH NỘI ĐỊA", sign="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", abbr="BC-ANNĐ",
             body="BÁO CÁO\nTình hình an ninh chính trị nội bộ quý I năm 2025\n\n"
             "I. TÌNH HÌNH CHUNG\n"
             "Trong quý I năm 2025, tình hình an ninh chính trị nội bộ trên địa bàn tỉnh cơ bản ổn định. "
             "Tuy nhiên, qua công tác nắm tình hình, Phòng đã phát hiện 03 vụ việc có dấu hiệu lộ, lọt "
             "thông tin nội bộ qua mạng xã hội, trong đó 01 vụ liên quan đến tài liệu chuẩn bị nhân sự "
             "Đại hội.\n"
             "II. KẾT QUẢ CÔNG TÁC\n"
             "1. Tổ chức rà soát 47 cơ quan, đơn vị có tiếp nhận, lưu giữ tài liệu mật; kiến nghị khắc phục "
             "12 thiếu sót về sổ đăng ký, giao nhận tài liệu.\n"
             "2. Phối hợp với Sở Khoa học và Công nghệ kiểm tra 215 máy tính kết nối Internet, phát hiện "
             "09 máy có lưu trữ văn bản thuộc danh mục bí mật nhà nước.\n"
             "III. ĐỀ XUẤT, KIẾN NGHỊ\n"
             "Đề nghị Ban Giám đốc chỉ đạo tổ chức kiểm tra đột xuất tại các đơn vị nêu trên trong tháng 4/2025."),
        dict(parent="UBND TỈNH %s" % P.upper(), agency="BAN CHỈ ĐẠO BẢO VỆ ĐẠI HỘI", sign="KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN", abbr="KH-BCĐ",
             body="KẾ HOẠCH\nBảo vệ an ninh, an toàn Đại hội đại biểu Đảng bộ tỉnh lần thứ XVI, "
             "nhiệm kỳ 2025 - 2030\n\n"
             "I. MỤC ĐÍCH, YÊU CẦU\n"
             "Bảo đảm tuyệt đối an ninh, an toàn cho Đại hội; không để xảy ra bị động, bất ngờ trong mọi tình huống.\n"
             "II. NỘI DUNG\n"
             "1. Lực lượng Công an tỉnh bố trí 03 vòng bảo vệ tại Trung tâm Hội nghị tỉnh từ ngày 08/10 đến hết "
             "ngày 12/10/2025.\n"
             "2. Bộ Chỉ huy Quân sự tỉnh duy trì 01 trung đội cơ động sẵn sàng chiến đấu tại khu vực phía Tây thành phố.\n"
             "3. Sở Thông tin và Truyền thông phối hợp bảo đảm thông tin liên lạc chuyên dùng, kiểm soát "
             "an ninh mạng đối với hệ thống phục vụ Đại hội.\n"
             "III. TỔ CHỨC THỰC HIỆN\n"
             "Các cơ quan, đơn vị chủ động xây dựng phương án chi tiết, gửi về Ban Chỉ đạo trước ngày 20/9/2025."),
        dict(parent="BỘ CHỈ HUY QUÂN SỰ TỈNH %s" % P.upper(), agency="PHÒNG THAM MƯU", sign="CHỈ HUY TRƯỞNG", abbr="PA-PTM",
             body="PHƯƠNG ÁN\nDiễn tập khu vực phòng thủ tỉnh năm 2025\n\n"
             "1. Ý định diễn tập: tổ chức diễn tập 02 giai đoạn, thực binh tại khu vực "
             "huyện %s và vùng ven biển phía Đông.\n"
             "2. Thành phần tham gia: Ban Chỉ huy diễn tập, lực lượng vũ trang tỉnh, dân quân tự vệ "
             "06 xã trọng điểm.\n"
             "3. Bố trí sở chỉ huy cơ bản, sở chỉ huy dự bị và hậu phương; tọa độ, tần số liên lạc "
             "theo Phụ lục 02 kèm theo.\n"
             "4. Bảo đảm hậu cần - kỹ thuật: do Phòng Hậu cần - Kỹ thuật chủ trì." % district),
        dict(parent="UBND TỈNH %s" % P.upper(), agency="SỞ TÀI CHÍNH", sign="GIÁM ĐỐC", abbr="TTr-STC",
             body="TỜ TRÌNH\nVề việc bố trí kinh phí cho nhiệm vụ đặc thù quốc phòng - an ninh năm 2026\n\n"
             "Kính gửi: Ủy ban nhân dân tỉnh %s\n\n"
             "Căn cứ đề nghị của Bộ Chỉ huy Quân sự tỉnh và Công an tỉnh, Sở Tài chính kính trình "
             "UBND tỉnh xem xét, bố trí kinh phí như sau:\n"
             "1. Kinh phí xây dựng công trình chiến đấu trong căn cứ hậu phương: 48.500 triệu đồng.\n"
             "2. Kinh phí mua sắm trang thiết bị nghiệp vụ chuyên dùng: 21.300 triệu đồng.\n"
             "3. Kinh phí bảo đảm cho lực lượng đặc nhiệm: 6.200 triệu đồng.\n"
             "Kính trình UBND tỉnh xem xét, quyết định." % P),
        dict(parent="UBND TỈNH %s" % P.upper(), agency="THANH TRA TỈNH", sign="CHÁNH THANH TRA", abbr="BC-TTr",
             body="BÁO CÁO\nKết quả xác minh nội dung tố cáo đối với cán bộ thuộc diện Ban Thường vụ "
             "Tỉnh ủy quản lý\n\n"
             "Thực hiện Quyết định thành lập Tổ xác minh của Chánh Thanh tra tỉnh, Tổ xác minh đã làm việc "
             "với người bị tố cáo, các cá nhân, tổ chức có liên quan. Kết quả như sau:\n"
             "1. Nội dung tố cáo về việc kê khai tài sản, thu nhập không trung thực: có cơ sở một phần.\n"
             "2. Nội dung tố cáo về việc can thiệp vào công tác đấu thầu: chưa đủ căn cứ kết luận.\n"
             "Đề nghị Ban Thường vụ Tỉnh ủy xem xét, chỉ đạo xử lý theo quy định."),
        dict(parent="UBND HUYỆN %s" % district.upper(), agency="BAN CHỈ ĐẠO PHÒNG, CHỐNG THAM NHŨNG", place=district,
             sign="THƯ KÝ CUỘC HỌP\t\tCHỦ TRÌ", abbr="BB-BCĐ",
             body="BIÊN BẢN\nHọp Ban Chỉ đạo phòng, chống tham nhũng, tiêu cực huyện\n\n"
             "Thời gian: 14 giờ 00, tại phòng họp số 2, trụ sở Huyện ủy.\n"
             "Chủ trì: đồng chí Trưởng ban Chỉ đạo.\n"
             "Nội dung: cho ý kiến đối với 02 vụ việc có dấu hiệu tham nhũng trong quản lý đất đai tại "
             "xã Tân Hòa và thị trấn huyện lỵ.\n"
             "Kết luận: giao Cơ quan Cảnh sát điều tra Công an huyện tiếp tục xác minh; không cung cấp "
             "thông tin cho báo chí khi chưa có kết luận chính thức."),
        dict(parent="UBND TỈNH %s" % P.upper(), agency="SỞ NGOẠI VỤ", sign="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", abbr="BC-SNgV",
             body="BÁO CÁO\nKết quả hội đàm với đoàn công tác tỉnh giáp biên phía nước bạn về quản lý "
             "đường biên, mốc giới\n\n"
             "1. Hai bên thống nhất tăng cường tuần tra song phương tại 04 đoạn biên giới chưa ổn định.\n"
             "2. Phía bạn đề nghị tạm dừng thi công 01 công trình gần mốc số 127; đoàn ta chưa trả lời "
             "chính thức, chờ ý kiến chỉ đạo của Trung ương.\n"
             "3. Đề xuất: giao Bộ đội Biên phòng tỉnh chủ trì xây dựng phương án trả lời trước ngày 30/6."),
        dict(parent="CÔNG AN TỈNH %s" % P.upper(), agency="PHÒNG AN NINH MẠNG", sign="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", abbr="KH-ANM",
             body="KẾ HOẠCH\nPhòng, chống lộ, lọt bí mật nhà nước trên không gian mạng năm 2025\n\n"
             "1. Danh sách 18 hệ thống thông tin cấp độ 3 trở lên cần kiểm tra và lịch kiểm tra chi tiết "
             "tại Phụ lục I.\n"
             "2. Các điểm yếu đã phát hiện nhưng chưa khắc phục tại cổng dịch vụ công và hệ thống "
             "quản lý văn bản của tỉnh (Phụ lục II).\n"
             "3. Phương án ứng cứu khi phát hiện tấn công có chủ đích (APT) nhằm vào cơ quan Đảng, chính quyền."),
        dict(parent="UBND TỈNH %s" % P.upper(), agency="", sign="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", abbr="QĐ-UBND",
             body="QUYẾT ĐỊNH\nPhê duyệt danh mục mục tiêu trọng điểm cần bảo vệ trên địa bàn tỉnh\n\n"
             "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n"
             "Căn cứ Luật Tổ chức chính quyền địa phương;\n"
             "Theo đề nghị của Giám đốc Công an tỉnh,\n"
             "QUYẾT ĐỊNH:\n"
             "Điều 1. Phê duyệt danh mục 26 mục tiêu trọng điểm cần bảo vệ (chi tiết tại Phụ lục kèm theo), "
             "gồm: kho xăng dầu, trạm biến áp 220 kV, cầu và hầm trên tuyến quốc lộ.\n"
             "Điều 2. Giao Công an tỉnh chủ trì xây dựng phương án bảo vệ từng mục tiêu."),
        dict(parent="UBND TỈNH %s" % P.upper(), agency="VĂN PHÒNG", sign="TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG", abbr="TB-VP",
             body="THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh tại cuộc họp về dự án sân bay chuyên dùng\n\n"
             "1. Thống nhất phương án chọn vị trí số 2 tại khu vực đồi Cao Lâm; giữ kín thông tin về vị trí "
             "cho đến khi có ý kiến của Bộ Quốc phòng.\n"
             "2. Giao Sở Tài nguyên và Môi trường rà soát hiện trạng sử dụng đất, không công bố quy hoạch.\n"
             "3. Giao Văn phòng UBND tỉnh theo dõi, đôn đốc."),
    ]


def signer_block(role):
    p = person(min_age=40, max_age=58)
    return "%s\n(Đã ký)\n%s" % (role, p["name"])


def family_marking_header():
    fam = "blk-marking-header"
    levels = ["TỐI MẬT", "MẬT", "TUYỆT MẬT", "TỐI MẬT", "MẬT", "MẬT", "TỐI MẬT", "TUYỆT MẬT",
              "MẬT", "TỐI MẬT", "MẬT", "TỐI MẬT", "MẬT", "TUYỆT MẬT"]
    layouts = ["tab", "left_first", "right_first", "stamp_above_so"]
    for i in range(14):
        place = PLACES[i % len(PLACES)]
        district = DISTRICTS[i % len(DISTRICTS)]
        b = secret_bodies(place, district)[i % 10]
        lvl = levels[i]
        d = vn_date(year=2025)
        num = R.randint(2, 398)
        so = "%02d/%s" % (num, b["abbr"]) if num < 10 else "%d/%s" % (num, b["abbr"])
        layout = layouts[i % 4]
        agency = b["agency"] or ""
        head = state_header(b["parent"], agency, so, b.get("place", place), d, layout, box10=[lvl])
        if b["abbr"].startswith("BB-"):
            tail = "\n\n" + b["sign"] + "\n(Đã ký)\t\t(Đã ký)"
        else:
            tail = "\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n" + signer_block(b["sign"])
        text = head + "\n\n" + b["body"] + tail
        add(fam, "block", text, [("secret_marking", lvl), ("state_doc_number", so)],
            "Dấu độ mật %s đứng riêng một dòng ở ô 10a của phần đầu văn bản (bố cục %s)" % (lvl, layout))


def family_marking_position():
    fam = "blk-marking-position"
    # 1-2: page headers of a document copied from page 2 on
    b = secret_bodies("An Thịnh", "Tân Hòa Bắc")[1]
    text = ("2. Bộ Chỉ huy Quân sự tỉnh duy trì 01 trung đội cơ động sẵn sàng chiến đấu tại khu vực phía Tây "
            "thành phố.\n3. Sở Thông tin và Truyền thông phối hợp bảo đảm thông tin liên lạc chuyên dùng.\n\n"
            "2\n\nMẬT\n\n"
            "III. TỔ CHỨC THỰC HIỆN\n1. Công an tỉnh là cơ quan thường trực, chịu trách nhiệm tổng hợp, báo cáo "
            "Ban Chỉ đạo hằng ngày trong thời gian diễn ra Đại hội.\n2. Các lực lượng chỉ được sử dụng kênh liên "
            "lạc chuyên dùng, không trao đổi nội dung kế hoạch qua Zalo, Facebook.\n\n3\n\nMẬT\n\n"
            "Nơi nhận:\n- Thường trực Tỉnh ủy;\n- Lưu: VT, BCĐ.")
    add(fam, "block", text, [("secret_marking", "MẬT")],
        "Văn bản dán từ trang 2: dấu MẬT lặp lại ở đầu mỗi trang (page header) dù không có phần đầu văn bản")
    text = ("TỐI MẬT\nTrang 3/8\n\n"
            "Phụ lục II\nDANH SÁCH ĐIỂM YẾU CHƯA KHẮC PHỤC\n"
            "1. Cổng dịch vụ công tỉnh: còn lỗ hổng cho phép tải lên tệp tin không kiểm soát.\n"
            "2. Hệ thống quản lý văn bản và điều hành: tài khoản quản trị dùng chung giữa 03 đơn vị.\n"
            "3. Máy chủ thư điện tử công vụ: chưa bật xác thực hai lớp cho 40% tài khoản.\n\nTỐI MẬT\nTrang 4/8")
    add(fam, "block", text, [("secret_marking", "TỐI MẬT")],
        "Dòng đầu trang (page header) 'TỐI MẬT' của phụ lục trích từ PDF")
    # 3: page header line with other parts on the same line
    text = ("Báo cáo số 27/BC-CAT          TUYỆT MẬT          Trang 5/12\n\n"
            "c) Lực lượng nòng cốt: bố trí tại 04 điểm chốt, thay ca mỗi 6 giờ; danh sách cán bộ tham gia "
            "theo Phụ lục 3.\nd) Phương tiện: 02 xe chỉ huy, 06 xe chuyên dùng, 01 tàu tuần tra trên sông.")
    add(fam, "block", text, [("secret_marking", "TUYỆT MẬT"), ("state_doc_number", "27/BC-CAT")],
        "Dòng đầu trang dạng 'Số hiệu — ĐỘ MẬT — Trang x/y' (page header, dấu cách nhiều khoảng trắng)")
    # 4-5: envelope text
    p = person(min_age=45)
    text = ("TỐI MẬT\n\nKính gửi: Đồng chí %s\nPhó Chủ tịch UBND tỉnh Bắc Hưng\n\n"
            "Nơi gửi: Văn phòng Tỉnh ủy Bắc Hưng\nSố: 412 - Ngày gửi: 16/9/2025" % p["name"])
    add(fam, "block", text, [("secret_marking", "TỐI MẬT")],
        "Chữ trên phong bì (bì thư) tài liệu mật: dấu TỐI MẬT trên bì")
    p = person(min_age=45)
    text = ("Bì thư số 0215\nMẬT\nGửi: Đồng chí Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh Đông Phú\n"
            "Người nhận: %s\n(Chuyển bằng đường giao liên)" % p["name"])
    add(fam, "block", text, [("secret_marking", "MẬT")], "Chữ trên phong bì: dấu MẬT trên bì thư")
    # 6-9: "Độ mật:" metadata fields in e-office exports
    metas = [
        ("Sở Nội vụ", "Độ mật: Tối mật", "215/TTr-SNV", "Tờ trình phương án sắp xếp, kiện toàn tổ chức bộ máy "
         "các cơ quan chuyên môn thuộc UBND tỉnh"),
        ("UBND tỉnh", "Độ mật: Mật", "88/BC-UBND", "Báo cáo tình hình khiếu kiện đông người kéo dài tại dự án khu "
         "công nghiệp phía Nam"),
        ("Bộ Chỉ huy Quân sự tỉnh", "ĐỘ MẬT: TUYỆT MẬT", "05/KH-BCH", "Kế hoạch bảo đảm hậu cần cho nhiệm vụ đặc biệt năm 2026"),
        ("Sở Khoa học và Công nghệ", "Độ mật : Mật", "1342/SKHCN-CNTT", "V/v cung cấp sơ đồ mạng và danh sách địa chỉ IP "
         "của Trung tâm dữ liệu tỉnh"),
    ]
    for issuer, field, so, summary in metas:
        d = vn_date(year=2025)
        text = ("THÔNG TIN VĂN BẢN ĐẾN\nSố ký hiệu: %s\nNgày ban hành: %s\nCơ quan ban hành: %s %s\n"
                "Trích yếu: %s\n%s\nĐộ khẩn: Thường\nNgười ký: %s\nSố trang: %d\nNơi lưu bản chính: Văn thư cơ quan"
                % (so, dmy(d), issuer, R.choice(PLACES), summary, field, person(min_age=45)["name"],
                   R.randint(3, 20)))
        add(fam, "block", text, [("secret_marking", field), ("state_doc_number", so)],
            "Trường siêu dữ liệu 'Độ mật:' trong phiếu văn bản của hệ thống quản lý văn bản điện tử")


def family_handling():
    fam = "blk-handling-mark"
    d = vn_date(year=2025)
    text = ("TÀI LIỆU THU HỒI\n\nTÀI LIỆU PHỤC VỤ HỘI NGHỊ BAN CHẤP HÀNH ĐẢNG BỘ TỈNH LẦN THỨ 18\n"
            "(Nhiệm kỳ 2020 - 2025)\n\nDỰ THẢO PHƯƠNG ÁN NHÂN SỰ BAN CHẤP HÀNH KHÓA MỚI\n"
            "1. Số lượng Ủy viên Ban Chấp hành: 51 đồng chí; Ban Thường vụ: 15 đồng chí.\n"
            "2. Cơ cấu: khối Đảng 12, khối chính quyền 18, khối Mặt trận và đoàn thể 6, lực lượng vũ trang 4, "
            "địa phương 11.\n3. Tỷ lệ cán bộ nữ dự kiến 15,7%; cán bộ trẻ dưới 42 tuổi 11,8%.\n\n"
            "Đề nghị các đồng chí nộp lại tài liệu cho Văn phòng Tỉnh ủy ngay sau khi kết thúc hội nghị.")
    add(fam, "block", text, [("secret_handling_mark", "TÀI LIỆU THU HỒI")],
        "Dấu TÀI LIỆU THU HỒI đứng riêng dòng đầu tài liệu hội nghị (không kèm dấu độ mật)")
    so = "19/BC-UBND"
    head = state_header("UBND TỈNH TÂY LẠC", "", so, "Tây Lạc", d, "left_first",
                        box10=["MẬT", "TÀI LIỆU THU HỒI"])
    text = head + ("\n\nBÁO CÁO\nTình hình thực hiện chủ trương sáp nhập đơn vị hành chính cấp xã\n\n"
                   "1. Dự kiến giảm từ 142 xuống còn 61 đơn vị hành chính cấp xã.\n"
                   "2. Một số địa phương có ý kiến không đồng thuận về tên gọi và trụ sở mới; cần làm tốt công "
                   "tác tư tưởng trước khi lấy ý kiến cử tri.\n\nNơi nhận:\n- Thường trực Tỉnh ủy;\n- Lưu: VT.")
    add(fam, "block", text, [("secret_marking", "MẬT"), ("secret_handling_mark", "TÀI LIỆU THU HỒI"),
                             ("state_doc_number", so)], "Dấu MẬT và dấu TÀI LIỆU THU HỒI cùng ô 10a")
    p = person(min_age=45)
    text = ("CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ\n\nKính gửi: Đồng chí %s\nBí thư Huyện ủy Phú Xuân Đông\n\n"
            "Nơi gửi: Ủy ban Kiểm tra Tỉnh ủy Vĩnh An Hòa\nSố đăng ký: 77/UBKT" % p["name"])
    add(fam, "block", text, [("secret_handling_mark", "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ")],
        "Chữ trên phong bì: dấu 'chỉ người có tên mới được bóc bì' (mẫu 07 TT 24/2020) dù không ghi độ mật")
    p = person(min_age=45)
    text = ("TỐI MẬT\nCHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ\nKính gửi: Đồng chí %s\n"
            "Giám đốc Công an tỉnh Nam Sơn Hà\nGửi từ: Văn phòng Ban Chỉ đạo 35 tỉnh" % p["name"])
    add(fam, "block", text, [("secret_marking", "TỐI MẬT"),
                             ("secret_handling_mark", "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ")],
        "Phong bì: dấu TỐI MẬT + dấu chỉ người có tên mới được bóc bì")
    text = ("BẢN SAO SỐ 02\n\nTRÍCH BIÊN BẢN HỌP BAN THƯỜNG VỤ HUYỆN ỦY\n"
            "Ngày 12/8/2025\n\nNội dung 3: Xem xét, cho ý kiến về việc điều động, luân chuyển cán bộ chủ chốt "
            "04 xã.\nBan Thường vụ thống nhất 9/11 phiếu đối với phương án 2; giao Ban Tổ chức Huyện ủy "
            "hoàn thiện thủ tục trong tháng 9/2025.")
    add(fam, "block", text, [("secret_handling_mark", "BẢN SAO SỐ 02")],
        "Dấu BẢN SAO SỐ 02 đứng riêng dòng trên bản sao (mẫu 08): chỉ dùng cho tài liệu mật")
    so = "48/PA-CAT"
    head = state_header("CÔNG AN TỈNH BẮC HƯNG", "PHÒNG CẢNH SÁT CƠ ĐỘNG", so, "Bắc Hưng",
                        vn_date(year=2025), "tab", box10=["TỐI MẬT", "BẢN SAO SỐ 05"])
    text = head + ("\n\nPHƯƠNG ÁN\nBảo vệ mục tiêu trọng điểm dịp Tết Nguyên đán Bính Ngọ 2026\n\n"
                   "1. Lực lượng: 120 cán bộ, chiến sĩ, chia 03 ca.\n"
                   "2. Vị trí chốt chặn: theo sơ đồ kèm theo.\n3. Mật lệnh, tín hiệu nhận biết: theo quy định riêng.")
    add(fam, "block", text, [("secret_marking", "TỐI MẬT"), ("secret_handling_mark", "BẢN SAO SỐ 05"),
                             ("state_doc_number", so)], "TỐI MẬT + BẢN SAO SỐ 05")
    text = ("Bản sao số 03\nTÀI LIỆU HỘI NGHỊ GIAO BAN KHỐI NỘI CHÍNH QUÝ III\n\n"
            "Tổng hợp tình hình: 17 vụ án tham nhũng đang điều tra; 05 vụ có dấu hiệu bị can thiệp; "
            "đề nghị thành lập tổ công tác liên ngành.")
    add(fam, "block", text, [("secret_handling_mark", "Bản sao số 03")],
        "Dấu bản sao viết thường đầu câu, vẫn đứng riêng dòng đầu tài liệu")
    text = ("Tài liệu thu hồi\nĐỀ CƯƠNG BÁO CÁO CHÍNH TRỊ (DỰ THẢO LẦN 3)\n"
            "Phần thứ nhất: Đánh giá kết quả thực hiện Nghị quyết Đại hội nhiệm kỳ 2020 - 2025.\n"
            "Phần thứ hai: Phương hướng, mục tiêu nhiệm kỳ 2025 - 2030 (chưa công bố).")
    add(fam, "block", text, [("secret_handling_mark", "Tài liệu thu hồi")],
        "Dấu thu hồi viết thường đầu câu nhưng đứng riêng dòng đầu tài liệu (khác nghĩa 'thu hồi đất')")


def family_marking_obfuscated():
    fam = "blk-marking-obfuscated"

    issuers = {"UBND": ("UBND TỈNH {P}", ""), "SNV": ("UBND TỈNH {P}", "SỞ NỘI VỤ"),
               "BCĐ": ("UBND TỈNH {P}", "BAN CHỈ ĐẠO 35"), "CAT": ("BỘ CÔNG AN", "CÔNG AN TỈNH {P}"),
               "BCH": ("BỘ CHỈ HUY QUÂN SỰ TỈNH {P}", "PHÒNG THAM MƯU"), "STP": ("UBND TỈNH {P}", "SỞ TƯ PHÁP"),
               "SYT": ("UBND TỈNH {P}", "SỞ Y TẾ"), "SNgV": ("UBND TỈNH {P}", "SỞ NGOẠI VỤ")}
    bodies = [
        "BÁO CÁO\nTình hình triển khai phương án bảo vệ bí mật nhà nước trong chuyển đổi số\n\n"
        "1. Đã rà soát 312 máy tính tại 28 cơ quan; 17 máy lưu văn bản mật nhưng vẫn kết nối Internet.\n"
        "2. 04 đơn vị sử dụng công cụ AI công cộng để tóm tắt văn bản chưa qua phân loại.\n"
        "3. Đề xuất cấm kết nối thiết bị lưu trữ ngoài với máy soạn thảo văn bản mật.",
        "BÁO CÁO\nKết quả rà soát nhân sự dự kiến tham gia cấp ủy khóa mới\n\n"
        "1. Tổng số nhân sự được giới thiệu: 64 đồng chí; đủ tiêu chuẩn: 57 đồng chí.\n"
        "2. 03 trường hợp có đơn thư phản ánh đang được xác minh, đề nghị chưa đưa vào danh sách.\n"
        "3. Đề nghị Ban Thường vụ cho ý kiến trước ngày họp Ban Chấp hành.",
        "KẾ HOẠCH\nTriển khai lực lượng bảo đảm an ninh khu vực cửa khẩu dịp cuối năm\n\n"
        "1. Tăng cường 02 tổ công tác liên ngành tại cửa khẩu phụ; thời gian từ 15/12 đến 15/02.\n"
        "2. Lịch tuần tra, địa điểm chốt chặn và tần số liên lạc theo Phụ lục kèm theo.\n"
        "3. Kinh phí bảo đảm từ nguồn chi an ninh của tỉnh.",
        "TỜ TRÌNH\nVề phương án xử lý vụ việc khiếu kiện đông người tại dự án khu đô thị phía Đông\n\n"
        "1. Có 126 hộ không đồng ý phương án bồi thường; một số đối tượng có biểu hiện kích động.\n"
        "2. Đề xuất thành lập tổ đối thoại, đồng thời bố trí lực lượng sẵn sàng xử lý tình huống.\n"
        "3. Không cung cấp thông tin cho báo chí trong thời gian xử lý vụ việc.",
    ]
    counter = [0]

    def doc(stamp, so="12/BC-UBND", place="Hòa Lâm", layout="left_first", unacc=False):
        parent, agency = issuers[so.split("-", 1)[1]]
        parent, agency = parent.format(P=place.upper()), agency.format(P=place.upper())
        d = vn_date(year=2025)
        kind = so.split("/")[1].split("-")[0].upper()
        choices = {"BC": [0, 1], "KH": [2], "PA": [2], "TTR": [3]}.get(kind, [0, 1])
        body = bodies[choices[counter[0] % len(choices)]]
        counter[0] += 1
        if kind == "TB":
            body = body.replace("BÁO CÁO\n", "THÔNG BÁO\n", 1)
        elif kind == "PA":
            body = body.replace("KẾ HOẠCH\n", "PHƯƠNG ÁN\n", 1)
        head = state_header(parent, agency, so, place, d, layout, box10=[stamp])
        text = head + "\n\n" + body + "\n\nNơi nhận:\n- Thường trực Tỉnh ủy;\n- Lưu: VT."
        if unacc:
            # whole document typed without diacritics (telex off)
            text = unaccent(text)
        return text

    def add_doc(stamp, note, so="12/BC-UBND", unacc=False, nfd=False, layout="left_first", extra=()):
        text = doc(stamp, so=so, unacc=unacc, layout=layout, place=R.choice(PLACES))
        so_v = unaccent(so) if unacc else so
        add(fam, "block", text, [("secret_marking", stamp)] + list(extra) +
            [("state_doc_number", so_v)], note, nfd=nfd)

    add_doc("TOI MAT", "Cả văn bản gõ không dấu: dấu độ mật 'TOI MAT' ở vị trí ô 10a", unacc=True)
    add_doc("toi mat", "Không dấu, chữ thường 'toi mat' đứng riêng dòng trong phần đầu văn bản",
            so="45/BC-SNV", unacc=True, layout="tab")
    add_doc("TUYET MAT", "Không dấu 'TUYET MAT' ở vị trí dấu độ mật", so="07/KH-BCĐ", unacc=True,
            layout="right_first")
    add_doc("MAT", "Không dấu 'MAT' đứng riêng dòng ngay sau số ký hiệu văn bản", so="131/BC-CAT",
            unacc=True)
    add_doc("TỐI MẬT", "Cả văn bản ở dạng NFD (dấu tổ hợp, ví dụ sao chép từ macOS)", so="66/BC-UBND",
            nfd=True)
    nfd_stamp = unicodedata.normalize("NFD", "TUYỆT MẬT")
    add_doc(nfd_stamp, "Chỉ riêng dấu độ mật ở dạng NFD, phần còn lại NFC", so="09/PA-BCH")
    add_doc("TỐ\u200bI M\u200bẬT", "Dấu TỐI MẬT chèn ký tự zero-width space U+200B", so="212/BC-SNV")
    add_doc("TUY\u00adỆT M\u00adẬT", "Dấu TUYỆT MẬT chèn soft hyphen U+00AD", so="03/KH-CAT",
            layout="tab")
    add_doc("M\u2060Ậ\ufeffT", "Dấu MẬT chèn word joiner U+2060 và BOM U+FEFF", so="57/TB-UBND",
            layout="stamp_above_so")
    add_doc(spaced("TỐI MẬT"), "Dấu độ mật viết giãn chữ 'T Ố I  M Ậ T'", so="118/BC-UBND")
    add_doc(spaced("TỐI MẬT", "\u00a0"), "Giãn chữ bằng khoảng trắng không ngắt U+00A0", so="24/BC-STP",
            layout="right_first")
    add_doc(spaced("MẬT"), "Giãn chữ 'M Ậ T'", so="301/BC-SYT", layout="tab")
    add_doc(fullwidth("TỐI MẬT"), "Chữ Latin toàn độ rộng (full-width) trộn chữ có dấu 'ＴỐＩ ＭẬＴ'",
            so="15/BC-UBND")
    add_doc(fullwidth("TOI MAT"), "Full-width không dấu 'ＴＯＩ ＭＡＴ'", so="16/BC-UBND", layout="stamp_above_so")
    add_doc(lookalike("TỐI MẬT", CYRILLIC), "Ký tự Kirin giống Latin (Т, І, М) thay vào 'TỐI MẬT'",
            so="77/BC-BCH")
    add_doc(lookalike("TOI MAT", CYRILLIC), "Kirin + không dấu: 'ТОІ МАТ'", so="78/BC-BCH", layout="tab")
    add_doc(lookalike("TUYỆT MẬT", GREEK), "Ký tự Hy Lạp giống Latin (Τ, Υ, Μ) trong 'TUYỆT MẬT'",
            so="02/KH-UBND", layout="right_first")
    add_doc("Tối Mật", "Chữ hoa đầu từ 'Tối Mật' đứng riêng dòng ở ô 10a", so="140/BC-UBND")
    add_doc("tỐi mẬt", "Hoa thường lẫn lộn 'tỐi mẬt'", so="141/BC-UBND", layout="tab")
    add_doc("TỐI\nMẬT", "Xuống dòng giữa dấu: 'TỐI' và 'MẬT' trên hai dòng", so="92/BC-SNgV")
    add_doc("TUYỆT\nMẬT", "Xuống dòng giữa dấu 'TUYỆT' / 'MẬT'", so="06/PA-CAT", layout="stamp_above_so")
    # metadata field unaccented
    text = ("So ky hieu: 73/BC-UBND\nNgay ban hanh: 04/06/2025\nTrich yeu: Bao cao tinh hinh an ninh tuyen "
            "bien gioi 6 thang dau nam\nDo mat: toi mat\nDo khan: Thuong\nNoi nhan: Thuong truc Tinh uy")
    add(fam, "block", text, [("secret_marking", "Do mat: toi mat"), ("state_doc_number", "73/BC-UBND")],
        "Trường siêu dữ liệu 'Độ mật' gõ không dấu")
    # handling marks obfuscated
    p = person(min_age=45)
    text = ("CHI NGUOI CO TEN MOI DUOC BOC BI\nKinh gui: Dong chi %s\nTruong Ban To chuc Tinh uy\n"
            "Noi gui: Uy ban Kiem tra Trung uong" % unaccent(p["name"]))
    add(fam, "block", text, [("secret_handling_mark", "CHI NGUOI CO TEN MOI DUOC BOC BI")],
        "Dấu bóc bì gõ không dấu trên phong bì")
    stamp = spaced("TÀI LIỆU THU HỒI")
    text = (stamp + "\nTÀI LIỆU PHỤC VỤ HỘI NGHỊ CÁN BỘ CHỦ CHỐT\n"
            "Dự kiến phương án kiện toàn chức danh Giám đốc Sở, Phó Giám đốc Sở nhiệm kỳ 2025 - 2030.\n"
            "Đề nghị các đồng chí không sao chụp, nộp lại tài liệu sau hội nghị.")
    add(fam, "block", text, [("secret_handling_mark", stamp)], "Dấu TÀI LIỆU THU HỒI viết giãn chữ")


# ---- personal identifiers ----------------------------------------------------------------------

def family_cccd():
    fam = "blk-cccd"
    place = "Hòa Lâm"

    def mk(min_age=18, max_age=90, female=None):
        p = person(min_age=min_age, max_age=max_age, female=female)
        p["cccd"] = gen_cccd(p["dob"][0], p["female"])
        return p

    p = mk(25, 60)
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
            "ĐƠN ĐỀ NGHỊ XÁC NHẬN THÔNG TIN CƯ TRÚ\n\nKính gửi: Công an xã Tân Hòa\n\n"
            "Tôi tên là: %s\nNgày sinh: %s\nSố CCCD: %s, cấp ngày %s\n"
            "Nơi thường trú: thôn Đông, xã Tân Hòa, huyện Đông Hưng Phú, tỉnh %s\n"
            "Lý do: bổ sung hồ sơ vay vốn tại ngân hàng chính sách xã hội.\n\nNgười làm đơn\n%s"
            % (p["name"], dmy(p["dob"]), p["cccd"], dmy(vn_date(year=2021)), place, p["name"]))
    add(fam, "block", text, [("cccd", p["cccd"])], "Đơn của công dân: số CCCD có từ khóa")
    p = mk(30, 70)
    text = ("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ (Mẫu CT01)\n1. Họ, chữ đệm và tên: %s\n2. Ngày, tháng, năm sinh: %s"
            "\t3. Giới tính: %s\n4. Số định danh cá nhân: %s\n5. Số điện thoại liên hệ: (để trống)\n"
            "6. Nội dung đề nghị: đăng ký thường trú vào hộ gia đình con trai."
            % (p["name"], dmy(p["dob"]), "Nữ" if p["female"] else "Nam", p["cccd"]))
    add(fam, "block", text, [("cccd", p["cccd"])], "Tờ khai CT01: 'Số định danh cá nhân' là số CCCD")
    p = mk(22, 55)
    text = ("Xác nhận: %s %s, sinh năm %d, Căn cước công dân số %s do Cục Cảnh sát quản lý hành chính về "
            "trật tự xã hội cấp, hiện là viên chức Trung tâm Dịch vụ việc làm tỉnh, được cử đi học lớp bồi "
            "dưỡng kiến thức quản lý nhà nước ngạch chuyên viên chính năm 2025."
            % (p["title"], p["name"], p["dob"][0], p["cccd"]))
    add(fam, "block", text, [("cccd", p["cccd"])], "Giấy xác nhận: CCCD trong câu văn")
    p = mk(62, 88)
    text = ("PHIẾU THU THẬP THÔNG TIN NGƯỜI CAO TUỔI\nThôn/tổ dân phố: Tổ 7\n"
            "%s\n%s\n%s\nSố nhà 14, ngõ 3, đường Lê Lợi, phường Bắc Sơn\nĐối tượng: hưu trí"
            % (p["name"], dmy(p["dob"]), p["cccd"]))
    add(fam, "block", text, [("cccd", p["cccd"])],
        "Số CCCD trần (không từ khóa) trong phiếu thông tin; cấu trúc hợp lệ (mã tỉnh, thế kỷ/giới tính, năm sinh)")
    p = mk(18, 25)
    c = p["cccd"]
    v = "%s %s %s %s" % (c[:3], c[3:6], c[6:9], c[9:])
    text = ("Chào anh, em là %s, sinh viên thực tập ở phòng Tổ chức cán bộ. Anh cập nhật giúp em vào danh sách "
            "đăng ký thẻ ra vào cơ quan nhé: CCCD %s. Em cảm ơn anh ạ!" % (p["name"], v))
    add(fam, "block", text, [("cccd", v)], "CCCD viết tách nhóm bằng khoảng trắng; người sinh sau 2000 (chữ số thế kỷ 2/3)")
    p = mk(30, 60)
    c = p["cccd"]
    v = "%s.%s.%s.%s" % (c[:3], c[3:6], c[6:9], c[9:])
    text = ("Họ tên chủ hộ: %s\nCCCD: %s\nSố thành viên trong hộ: 4\nDiện hộ: cận nghèo năm 2025"
            % (p["name"], v))
    add(fam, "block", text, [("cccd", v)], "CCCD tách nhóm bằng dấu chấm")
    p = mk(25, 65)
    v = fullwidth(p["cccd"])
    text = ("Thông tin người khai: %s - số CCCD: %s - địa chỉ: xã Yên Lạc, huyện Yên Lạc Đông."
            % (p["name"], v))
    add(fam, "block", text, [("cccd", v)], "Chữ số toàn độ rộng (full-width) trong số CCCD")
    p = mk(25, 65)
    c = p["cccd"]
    v = c[:4] + "\u200b" + c[4:8] + "\u200b" + c[8:]
    text = ("Kính gửi bộ phận một cửa,\nTôi nộp hồ sơ cấp đổi giấy phép lái xe cho %s, số căn cước %s.\n"
            "Trân trọng." % (p["name"], v))
    add(fam, "block", text, [("cccd", v)], "Số CCCD có ký tự zero-width chèn giữa các chữ số")
    p = mk(40, 90)
    c = p["cccd"]
    v = "%s-%s-%s" % (c[:3], c[3:6], c[6:])
    text = ("BIÊN NHẬN HỒ SƠ\nNgười nộp: %s\nGiấy tờ tùy thân: CCCD số %s\nLoại hồ sơ: chứng thực bản sao "
            "sổ hộ khẩu\nHẹn trả kết quả: 17 giờ ngày làm việc tiếp theo" % (p["name"], v))
    add(fam, "block", text, [("cccd", v)], "CCCD tách nhóm bằng gạch nối; người cao tuổi (đến 90)")
    p = mk(20, 45, female=True)
    text = ("[Zalo - Nhóm Tổ công tác 06 xã Tân Hòa]\n%s: các anh chị ơi em gửi lại số CCCD của chị Hoa hộ kinh "
            "doanh ạ\n%s: %s\n%s: ok em, để anh nhập lên hệ thống định danh" %
            (p["name"], p["name"], p["cccd"], person()["name"]))
    add(fam, "block", text, [("cccd", p["cccd"])], "Tin nhắn nhóm chat: số CCCD đứng riêng trong tin nhắn")
    p = mk(25, 50)
    text = ("Subject: Bổ sung hồ sơ tuyển dụng viên chức năm 2025\n\nKính gửi Hội đồng tuyển dụng,\n"
            "Em xin bổ sung thông tin còn thiếu: Số CMND/CCCD: %s, ngày cấp %s, nơi cấp: Cục CS QLHC về TTXH.\n"
            "Em xin cảm ơn.\n%s" % (p["cccd"], dmy(vn_date(year=2022)), p["name"]))
    add(fam, "block", text, [("cccd", p["cccd"])], "Trường 'CMND/CCCD' chứa số 12 chữ số hợp lệ: là CCCD")
    rows, labs = [], []
    for q in [mk(25, 60) for _ in range(3)]:
        rows.append("%s\t%s\t%s\t%s" % (q["name"], dmy(q["dob"]), q["cccd"],
                                        R.choice(["Chuyên viên", "Kế toán", "Văn thư", "Lái xe"])))
        labs.append(("cccd", q["cccd"]))
    text = ("DANH SÁCH CÁN BỘ ĐĂNG KÝ NHÀ Ở XÃ HỘI\nHọ và tên\tNgày sinh\tSố CCCD\tChức danh\n" + "\n".join(rows))
    add(fam, "block", text, labs, "Bảng tính dán dạng tab: cột Số CCCD của 3 người")


def family_cmnd():
    fam = "blk-cmnd"
    ctxs = [
        "{T} {n}, CMND số {v} do Công an tỉnh Thanh Hóa cấp ngày {d}, là người đại diện theo ủy quyền "
        "của hộ gia đình trong việc nhận tiền bồi thường giải phóng mặt bằng.",
        "Họ tên: {n}\nSố CMTND: {v}\nNgày cấp: {d}\nNơi cấp: CA Hà Nội\nGhi chú: CMND cũ, chưa đổi sang CCCD.",
        "HỢP ĐỒNG THUÊ NHÀ\nBên cho thuê (Bên A): {n}\nSố chứng minh nhân dân: {v}, cấp ngày {d}\n"
        "Địa chỉ: số 8, ngõ 12, phố Trần Phú\nBên thuê (Bên B): Công ty TNHH Dịch vụ Minh Khang Phát",
        "Anh ơi, hồ sơ cũ của {o} {n} chỉ có giấy CMND số {v} thôi, giờ làm thủ tục hưởng trợ cấp có cần "
        "bổ sung CCCD không ạ?",
        "STT\tHọ tên\tSố CMND\tNgày cấp\n1\t{n}\t{v}\t{d}\n(Trích sổ theo dõi hồ sơ năm 2015)",
    ]
    for c in ctxs:
        v = gen_cmnd()
        p = person(min_age=40, max_age=75)
        text = c.format(n=p["name"], T=p["title"], o=p["ong"], v=v, d=dmy(vn_date(year=R.randint(2008, 2016))))
        add(fam, "block", text, [("cmnd", v)], "Số CMND 9 chữ số cạnh từ khóa CMND/CMTND/chứng minh nhân dân")


def family_passport():
    fam = "blk-passport"
    p = person()
    v = gen_passport()
    text = ("TỜ KHAI ĐỀ NGHỊ CẤP THỊ THỰC (bản nháp)\nHọ tên: %s\nNgày sinh: %s\nHộ chiếu số: %s\n"
            "Ngày cấp: %s - Nơi cấp: Cục Quản lý xuất nhập cảnh\nMục đích chuyến đi: dự hội thảo chuyên đề về "
            "chính quyền số tại Seoul" % (p["name"], dmy(p["dob"]), v, dmy(vn_date(year=2023))))
    add(fam, "block", text, [("passport", v)], "Số hộ chiếu trong ngữ cảnh 'Hộ chiếu số'")
    rows, labs = [], []
    for i, q in enumerate(distinct_people(3, min_age=35, max_age=58), 1):
        v = gen_passport()
        rows.append("%d. %s - %s - hộ chiếu công vụ số %s" % (i, q["name"],
                                                              R.choice(["Phó Giám đốc Sở", "Trưởng phòng",
                                                                        "Chuyên viên chính"]), v))
        labs.append(("passport", v))
    text = ("DANH SÁCH ĐOÀN CÔNG TÁC ĐI NHẬT BẢN (từ 10/11 đến 16/11/2025)\n" + "\n".join(rows) +
            "\nĐề nghị Sở Ngoại vụ làm thủ tục xin thị thực trước ngày 25/10/2025.")
    add(fam, "block", text, labs, "Danh sách đoàn ra: số hộ chiếu công vụ của 3 người")
    p = person()
    v = gen_passport()
    text = ("Dear Sir/Madam,\nPlease find the traveller details for the workshop registration:\n"
            "Full name: %s\nPassport No.: %s\nNationality: Vietnamese\nBest regards,\nPhòng Hợp tác quốc tế"
            % (unaccent(p["name"]).upper(), v))
    add(fam, "block", text, [("passport", v)], "Email tiếng Anh: 'Passport No.'")
    p = person(female=True)
    v = gen_passport()
    text = ("Em đặt vé máy bay đi Singapore cho chị %s rồi nhé, số hộ chiếu của chị là %s, hạn đến 2031. "
            "Chị kiểm tra lại giúp em trước khi xuất vé." % (p["name"].split()[-1], v))
    add(fam, "block", text, [("passport", v)], "Tin nhắn đặt vé: 'số hộ chiếu ... là'")
    p = person()
    v = gen_passport()
    text = ("BÁO CÁO NHANH\nCông dân %s (hộ chiếu %s) bị tạm giữ giấy tờ tại sân bay do nghi vấn thị thực "
            "không hợp lệ; Đại sứ quán đang phối hợp xác minh." % (p["name"], v))
    add(fam, "block", text, [("passport", v)], "Báo cáo lãnh sự: '(hộ chiếu ...)'")


def family_bhxh_bhyt():
    fam = "blk-bhxh-bhyt"
    p = person()
    v = gen_bhxh()
    text = ("Kính gửi BHXH huyện Tân Hòa Bắc,\nĐơn vị đề nghị điều chỉnh mức đóng cho người lao động %s, mã số BHXH: %s, "
            "từ tháng 7/2025 do nâng bậc lương.\nNgười lập biểu: Phòng Kế toán" % (p["name"], v))
    add(fam, "block", text, [("bhxh", v)], "Mã số BHXH 10 chữ số có từ khóa")
    p = person()
    v = gen_bhxh()
    text = ("Họ tên: %s\nSố sổ BHXH: %s\nThời gian tham gia: 01/2012 - 06/2025\nLý do: chốt sổ để chuyển công tác"
            % (p["name"], v))
    add(fam, "block", text, [("bhxh", v)], "Số sổ BHXH")
    rows, labs = [], []
    for q in distinct_people(3):
        v = gen_bhxh()
        rows.append("%s\t%s\t%s" % (q["name"], v, R.choice(["5.850.000", "7.020.000", "9.360.000"])))
        labs.append(("bhxh", v))
    text = "Họ và tên\tMã số BHXH\tMức lương đóng\n" + "\n".join(rows)
    add(fam, "block", text, labs, "Bảng D02-LT dán dạng tab: cột Mã số BHXH")
    p = person(female=False)
    v = gen_bhxh()
    text = ("Chị ơi tra giúp em quá trình đóng của anh %s với, mã BHXH %s, anh ấy cần để làm hồ sơ hưởng "
            "trợ cấp thất nghiệp." % (p["name"].split()[-1], v))
    add(fam, "block", text, [("bhxh", v)], "Tin nhắn: 'mã BHXH'")
    p = person()
    v = gen_bhyt()
    text = ("GIẤY CHUYỂN TUYẾN\nHọ tên người bệnh: %s\nSố thẻ BHYT: %s\nNơi đăng ký KCB ban đầu: Trung tâm Y tế huyện\n"
            "Chuyển đến: Bệnh viện Đa khoa tỉnh" % (p["name"], v))
    add(fam, "block", text, [("bhyt", v)], "Mã thẻ BHYT 15 ký tự")
    p = person(female=True)
    v = gen_bhyt()
    text = ("Thẻ BHYT của %s là %s, hạn sử dụng đến 31/12/2025. Nhờ anh gia hạn giúp qua VssID." %
            (p["name"], v))
    add(fam, "block", text, [("bhyt", v)], "Thẻ BHYT trong tin nhắn")
    q = person(min_age=2, max_age=5)
    v = gen_bhyt("TE")
    text = ("Phụ huynh học sinh: cháu %s, lớp Mầm 2, mã thẻ BHYT: %s. Đề nghị nhà trường cập nhật vào danh sách "
            "khám sức khỏe đầu năm." % (q["name"], v))
    add(fam, "block", text, [("bhyt", v)], "Thẻ BHYT trẻ em (mã đối tượng TE)")
    p = person()
    v = gen_bhyt()
    text = ("BẢNG KÊ CHI PHÍ KHÁM BỆNH (mẫu 01/KBCB)\nHọ tên: %s\nMã thẻ: %s\nGiá trị từ: 01/01/2025 đến 31/12/2025\n"
            "Tổng chi phí: 1.245.000 đồng; BHYT chi trả: 996.000 đồng" % (p["name"], v))
    add(fam, "block", text, [("bhyt", v)], "Bảng kê KCB: 'Mã thẻ' BHYT")


def family_mst_personal():
    fam = "blk-mst-personal"
    tpls = [
        "MST cá nhân của {o} {n}: {v}",
        "Bảng kê quyết toán thuế TNCN năm 2024\nHọ tên: {n}\nMã số thuế: {v}\nTổng thu nhập chịu thuế: "
        "245.600.000 đồng\nSố thuế đã khấu trừ: 8.120.000 đồng",
        "Chị {n} nhờ em đăng ký người phụ thuộc, mã số thuế cá nhân của chị là {v}, anh xem giúp đã đúng chưa ạ.",
        "Ủy quyền quyết toán thuế thu nhập cá nhân\nTôi là: {n}\nMST TNCN: {v}\nỦy quyền cho đơn vị chi trả "
        "thu nhập quyết toán thay.",
        "Người nộp thuế: {n} - MST {v} - hoàn thuế TNCN 2024 số tiền 3.450.000 đồng",
    ]
    for t in tpls:
        v = gen_mst(personal=True)
        p = person()
        text = t.format(n=p["name"], o=p["ong"], v=v)
        add(fam, "block", text, [("mst", v)], "Mã số thuế cá nhân (bắt đầu bằng 8, check digit đúng) của người có tên")


# ---- financial ----------------------------------------------------------------------------------

def family_bank():
    fam = "blk-bank-account"
    b = BANKS[0]
    acct = gen_bank_account(b)
    p = person()
    text = ("GIẤY ĐỀ NGHỊ THANH TOÁN\nNgười đề nghị: %s - Phòng Hành chính\nNội dung: thanh toán tiền công tác phí "
            "tháng 9/2025\nSố tiền: 3.860.000 đồng\nHình thức: chuyển khoản\nSố tài khoản: %s tại %s - Chi nhánh Hòa Lâm"
            % (p["name"], acct, b[0]))
    add(fam, "block", text, [("bank_account", acct)], "Số tài khoản + tên ngân hàng")
    rows, labs = [], []
    for i, q in enumerate(distinct_people(4), 1):
        bb = R.choice(BANKS)
        a = gen_bank_account(bb)
        net = R.choice(["8.125.000", "9.460.500", "11.230.000", "7.684.000", "12.905.000"])
        rows.append("%d\t%s\t%s\t%s\t%s" % (i, q["name"], a, bb[0], net))
        labs.append(("bank_account", a))
    text = ("BẢNG THANH TOÁN TIỀN LƯƠNG THÁNG 10/2025 - PHÒNG TÀI CHÍNH KẾ HOẠCH\n"
            "STT\tHọ và tên\tSố tài khoản\tNgân hàng\tThực lĩnh\n" + "\n".join(rows))
    add(fam, "block", text, labs, "Bảng lương: cột Số tài khoản")
    b = BANKS[4]
    acct = gen_bank_account(b)
    text = "ok a, a ck cho e vào stk %s %s nhé, tên chủ tk LE THI HUONG, e cảm ơn a" % (acct, b[0])
    add(fam, "block", text, [("bank_account", acct)], "Tin nhắn: 'stk' viết thường")
    b = BANKS[3]
    acct = gen_bank_account(b)
    text = ("STK: %s - %s chi nhánh huyện Đông Hưng Phú\nChủ TK: HOANG VAN NAM\nNội dung CK: HOAN TIEN "
            "DAT COC PHONG HOP" % (acct, b[0]))
    add(fam, "block", text, [("bank_account", acct)], "STK + tên ngân hàng + chủ tài khoản")
    b = BANKS[2]
    acct = gen_bank_account(b)
    text = ("Kính gửi bộ phận tài vụ,\nTôi đề nghị hoàn lại khoản lệ phí nộp thừa vào tài khoản %s số %s, "
            "chủ tài khoản %s.\nTrân trọng." % (b[0], acct, person()["name"]))
    add(fam, "block", text, [("bank_account", acct)], "Tài khoản BIDV trong thư đề nghị hoàn tiền")
    b = BANKS[1]
    acct = gen_bank_account(b)
    text = ("HỢP ĐỒNG CUNG CẤP DỊCH VỤ\nBÊN B: CÔNG TY CỔ PHẦN GIẢI PHÁP SỐ AN PHÚC\nĐại diện: ông %s - Giám đốc\n"
            "Tài khoản số: %s tại %s - Chi nhánh Bắc Hưng" % (person(female=False)["name"], acct, b[1]))
    add(fam, "block", text, [("bank_account", acct)],
        "Tài khoản doanh nghiệp trong hợp đồng: chính sách chặn mọi số tài khoản có ngữ cảnh ngân hàng")
    rows, labs = [], []
    for q in distinct_people(3, min_age=65, max_age=88):
        bb = BANKS[3]
        a = gen_bank_account(bb)
        rows.append("- %s, TK Agribank %s, số tiền 1.500.000 đ" % (q["name"], a))
        labs.append(("bank_account", a))
    text = "DANH SÁCH CHI TRẢ TRỢ CẤP QUA TÀI KHOẢN (đợt 2)\n" + "\n".join(rows)
    add(fam, "block", text, labs, "Danh sách chi trả trợ cấp qua tài khoản Agribank")
    b = BANKS[5]
    acct = gen_bank_account(b)
    text = ("Nhờ chị soạn hộ em email trả lời khách: \"Quý khách vui lòng chuyển phí dịch vụ vào số tài khoản "
            "%s, Ngân hàng MB, nội dung ghi rõ mã hồ sơ\"." % acct)
    add(fam, "block", text, [("bank_account", acct)], "Yêu cầu soạn email có số tài khoản")


def family_card():
    fam = "blk-credit-card"
    v = gen_card("visa")
    text = ("Khách hàng phản ánh: thẻ Visa số %s bị trừ 2 lần khoản phí 1.200.000 đồng khi nộp lệ phí trên "
            "Cổng dịch vụ công. Đề nghị bộ phận kỹ thuật kiểm tra." % group4(v))
    add(fam, "block", text, [("credit_card", group4(v))], "Số thẻ Visa hợp lệ Luhn, nhóm 4 chữ số")
    v = gen_card("mc")
    vv = group4(v, "-")
    text = "Số thẻ: %s\nChủ thẻ: TRAN MINH DUC\nHết hạn: 08/27" % vv
    add(fam, "block", text, [("credit_card", vv)], "Thẻ Mastercard tách bằng gạch nối")
    v = gen_card("mc2")
    text = "Card number %s, exp 11/28 - dùng để thanh toán phí hội thảo quốc tế ở Singapore" % v
    add(fam, "block", text, [("credit_card", v)], "Mastercard dải 2221-2720, liền")
    v = gen_card("napas")
    text = ("Anh ơi em nhập thẻ ATM nội địa %s mà cổng thanh toán báo lỗi, anh xem giúp em với." % group4(v))
    add(fam, "block", text, [("credit_card", group4(v))], "Thẻ nội địa NAPAS 9704 hợp lệ Luhn")
    v = gen_card("visa")
    text = ("Thông tin đặt phòng khách sạn cho đoàn:\n- Người đặt: %s\n- Thẻ bảo lãnh: %s (Visa)\n"
            "- Số đêm: 3" % (person()["name"], v))
    add(fam, "block", text, [("credit_card", v)], "Thẻ bảo lãnh đặt phòng")
    v = gen_card("napas")
    text = "Số thẻ ghi nợ: %s\nNgân hàng phát hành: ngân hàng thương mại cổ phần\nLoại thẻ: nội địa" % v
    add(fam, "block", text, [("credit_card", v)], "Thẻ ghi nợ nội địa liền")
    v = gen_card("mc")
    text = ("Dear support team, my corporate card %s was declined when paying the AWS invoice. Could you "
            "check? Thanks." % group4(v))
    add(fam, "block", text, [("credit_card", group4(v))], "Email tiếng Anh với số thẻ")


def family_iban():
    fam = "blk-iban"
    for country, ctx in [
        ("DE", "Thanh toán phí đăng ký hội nghị cho đối tác Đức:\nBeneficiary: Kongress Service GmbH\n"
               "IBAN: {v}\nBIC: XYZADEFFXXX\nSố tiền: 1.450 EUR"),
        ("GB", "Please transfer the training fee to our account.\nAccount name: Northbridge Learning Ltd\n"
               "IBAN {v}\nReference: VN-HOALAM-2025"),
        ("FR", "Sở Ngoại vụ đề nghị chuyển khoản kinh phí đồng tổ chức cho hiệp hội đối tác (Pháp), "
               "IBAN: {v}, chủ tài khoản: Association Culture Mékong."),
        ("NL", "Invoice 2025-118\nPayment to: {v} (Stichting Water Partners)\nDue date: 30/11/2025"),
        ("DE", "Chị ơi em gửi số IBAN của anh Minh bên Đức nhận học bổng nhé: {v}"),
    ]:
        raw = gen_iban(country)
        v = group4(raw) if R.random() < 0.6 else raw
        add(fam, "block", ctx.format(v=v), [("iban", v)], "IBAN %s hợp lệ mod-97" % country)


def family_vietqr():
    fam = "blk-vietqr"
    specs = [
        ("Em dán chuỗi QR chuyển khoản, anh giải mã giúp em xem đúng tài khoản chưa:\n{v}", None, None),
        ("Mã QR thu phí hồ sơ (dạng chuỗi): {v}", 150000, "LE PHI HO SO 2025"),
        ("Giải thích từng trường trong chuỗi VietQR này giúp tôi:\n{v}", None, "UNG HO BAO LU"),
        ("payload = \"{v}\"\n# TODO: render QR lên trang thanh toán", 2500000, None),
        ("Nội dung QR in trên hóa đơn tiền nước: {v}", 384000, "TIEN NUOC T10"),
    ]
    for t, amount, purpose in specs:
        b = R.choice(BANKS)
        acct = gen_bank_account(b)
        v = gen_vietqr(b[2], acct, amount, purpose)
        add(fam, "block", t.format(v=v), [("vietqr", v)], "Chuỗi VietQR EMVCo (GUID A000000727, BIN %s) CRC đúng" % b[2])


# ---- sensitive, bulk, credentials -------------------------------------------------------------

def family_sensitive():
    fam = "blk-sensitive-personal"
    p = person(female=True, min_age=40, max_age=60)
    s = "ung thư vú giai đoạn II"
    text = ("TÓM TẮT HỒ SƠ BỆNH ÁN\nHọ tên người bệnh: %s, %d tuổi\nVào viện: %s\nChẩn đoán ra viện: %s, "
            "đã phẫu thuật, hiện điều trị hóa chất đợt 3/6.\nĐề nghị cơ quan cho nghỉ ốm dài ngày."
            % (p["name"], CURRENT_YEAR - p["dob"][0], dmy(vn_date(year=2025)), s))
    add(fam, "block", text, [("sensitive_personal", s)], "Hồ sơ bệnh án gắn với người có tên (dữ liệu sức khỏe)")
    p = person(female=False)
    s = "kết quả xét nghiệm HIV dương tính"
    text = ("Báo cáo của Phòng Tổ chức: đồng chí %s, chuyên viên Phòng Quản lý đô thị, có %s (phiếu xét nghiệm ngày %s); "
            "đề nghị bố trí công việc phù hợp và giữ kín thông tin." % (p["name"], s, dmy(vn_date(year=2025))))
    add(fam, "block", text, [("sensitive_personal", s)], "Tình trạng HIV của người có tên")
    p = person(female=False)
    s = "có 01 tiền án về tội trộm cắp tài sản"
    text = ("KẾT QUẢ XÁC MINH LÝ LỊCH\nĐối tượng xác minh: %s, sinh năm %d, trú tại xã Phú Xuân.\n"
            "Kết quả: bản thân %s (đã được xóa án tích năm 2019); gia đình chấp hành tốt chủ trương, chính sách."
            % (p["name"], p["dob"][0], s))
    add(fam, "block", text, [("sensitive_personal", s)], "Tiền án của người có tên")
    p = person(female=False, min_age=25, max_age=45)
    s = "Bị Tòa án nhân dân huyện Thạch An Nam xử phạt 02 năm tù về tội Đánh bạc"
    text = ("PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2 (trích)\nHọ tên: %s\nTình trạng án tích: Có án tích\n%s, "
            "bản án số 45/2019/HS-ST." % (p["name"], s))
    add(fam, "block", text, [("sensitive_personal", s)], "Phiếu lý lịch tư pháp: án tích")
    p = person(female=True)
    s = "theo đạo Tin Lành"
    text = ("Nhận xét về quần chúng ưu tú %s: lập trường tư tưởng vững vàng; gia đình bố mẹ %s, bản thân chưa "
            "tham gia sinh hoạt tôn giáo; đề nghị chi bộ tiếp tục bồi dưỡng, xem xét kết nạp."
            % (p["name"], s))
    add(fam, "block", text, [("sensitive_personal", s)], "Tôn giáo gắn với người có tên (hồ sơ phát triển đảng viên)")
    p = person(female=False)
    s = "mang đột biến gen BRCA2"
    text = ("Kết quả giải trình tự gen của ông %s (mẫu số XN-2025-0412) cho thấy %s, nguy cơ di truyền cho con; "
            "bác sĩ tư vấn gia đình làm xét nghiệm sàng lọc." % (p["name"], s))
    add(fam, "block", text, [("sensitive_personal", s)], "Dữ liệu di truyền của người có tên")
    p = person(female=False)
    s = "Lịch sử định vị điện thoại của anh %s" % p["name"]
    text = ("%s ngày 14/9/2025:\n07:42 - 21.0287, 105.8521 (nhà riêng)\n09:15 - 21.0312, 105.8490 (trụ sở)\n"
            "19:30 - 21.0064, 105.8427 (quán karaoke)\nNhờ tóm tắt các nơi anh ấy đã đến trong ngày." % s)
    add(fam, "block", text, [("sensitive_personal", s)], "Dữ liệu vị trí (định vị) của người có tên")
    p = person(female=True)
    s = "điều trị rối loạn trầm cảm nặng"
    text = ("Em chào chị, em xin phép báo để chị nắm: chị %s tổ em đang %s tại Bệnh viện Tâm thần tỉnh, "
            "chắc phải nghỉ đến hết tháng. Chị đừng nói với mọi người nhé." % (p["name"], s))
    add(fam, "block", text, [("sensitive_personal", s)], "Bệnh tâm thần của người có tên")
    p = person(female=False, min_age=22, max_age=40)
    s = "dương tính với chất ma túy"
    text = ("Kết quả kiểm tra đột xuất tại Đội xe: lái xe %s %s (test nhanh nước tiểu, nhóm Methamphetamine). "
            "Đề nghị tạm đình chỉ công tác, chuyển hồ sơ cho Công an." % (p["name"], s))
    add(fam, "block", text, [("sensitive_personal", s)], "Kết quả xét nghiệm ma túy của người có tên")
    p = person(female=False)
    s = "mắc lao phổi AFB(+)"
    text = ("Giấy báo của Trung tâm Kiểm soát bệnh tật: ông %s, công chức Phòng Tư pháp, %s, đang điều trị "
            "phác đồ 6 tháng. Đề nghị cơ quan khử khuẩn phòng làm việc." % (p["name"], s))
    add(fam, "block", text, [("sensitive_personal", s)], "Bệnh truyền nhiễm của người có tên")


def family_bulk():
    fam = "blk-bulk-personal"

    def contact_rows(n, fmt, phone_styles=("plain",), with_email=False, with_phone=True):
        rows, labs = [], []
        for i, q in enumerate(distinct_people(n), 1):
            ph = fmt_phone(gen_phone(), R.choice(phone_styles))
            em = gen_email(q)
            rows.append(fmt.format(i=i, n=q["name"], p=ph, e=em, o=q["ong"],
                                   r=R.choice(["Trưởng phòng", "Phó trưởng phòng", "Chuyên viên", "Kế toán",
                                               "Văn thư"])))
            if with_phone:
                labs.append(("phone", ph))
            if with_email:
                labs.append(("email", em))
        return rows, labs

    rows, labs = contact_rows(4, "{i}. {n} - {r} - ĐT: {p}", ("plain", "433"))
    region = "\n".join(rows)
    text = ("DANH SÁCH ĐOÀN KIỂM TRA CÔNG TÁC CẢI CÁCH HÀNH CHÍNH\n" + region +
            "\nĐề nghị các đơn vị liên hệ trực tiếp với thành viên đoàn khi cần.")
    add(fam, "block", text, [("bulk_personal", region)] + labs, "Danh sách liên hệ 4 người có SĐT")
    rows, labs = contact_rows(5, "{n} <{e}>", with_email=True, with_phone=False)
    region = ";\n".join(rows)
    text = "To: " + region + "\nSubject: Lịch họp Tổ biên tập Đề án chuyển đổi số\n\nKính gửi các anh chị..."
    add(fam, "block", text, [("bulk_personal", region)] + labs, "Danh sách người nhận email 5 địa chỉ")
    rows, labs = contact_rows(3, "{n}: {p}", ("dot", "433", "plain"))
    region = "\n".join(rows)
    text = ("[Nhóm Zalo: Trực bão số 3 - xã Tân Hòa]\nAnh em trực đêm nay lưu số nhé:\n" + region +
            "\nCó việc gì gọi ngay, không nhắn tin.")
    add(fam, "block", text, [("bulk_personal", region)] + labs, "Tin nhắn nhóm: SĐT của 3 người")
    rows, labs = contact_rows(4, "{n}\t{r}\t{e}\t{p}", ("plain",), with_email=True)
    region = "\n".join(rows)
    text = "Họ và tên\tChức vụ\tEmail\tĐiện thoại\n" + region
    add(fam, "block", text, [("bulk_personal", region)] + labs, "Bảng tính nhân sự dán dạng tab: email + SĐT 4 người")
    rows, labs = contact_rows(6, "{i},{n},{p},{e}", ("plain",), with_email=True)
    region = "\n".join(rows)
    text = "STT,Họ và tên,Điện thoại,Email\n" + region + "\n(Danh sách học viên lớp bồi dưỡng lãnh đạo cấp phòng khóa 12)"
    add(fam, "block", text, [("bulk_personal", region)] + labs, "CSV danh sách học viên 6 người")
    rows, labs = contact_rows(5, "- Tổ {i}: {o} {n}, tổ trưởng, {p}", ("dot",))
    region = "\n".join(rows)
    text = ("THÔNG BÁO\nUBND phường thông báo số điện thoại tổ trưởng các tổ dân phố để nhân dân liên hệ:\n" + region)
    add(fam, "block", text, [("bulk_personal", region)] + labs, "Danh bạ tổ trưởng dân phố")
    rows, labs = contact_rows(3, "Đầu mối {i}: đồng chí {n}, di động {p}, email {e}", ("intl", "plain"),
                              with_email=True)
    region = "\n".join(rows)
    text = ("Kính gửi Văn phòng UBND tỉnh,\nSở Tư pháp cử đầu mối phối hợp triển khai Đề án 06 như sau:\n" + region +
            "\nTrân trọng.")
    add(fam, "block", text, [("bulk_personal", region)] + labs, "3 đầu mối có SĐT + email")
    # HR sheet with CCCD + phones
    rows, labs = [], []
    for i, q in enumerate(distinct_people(3, min_age=22, max_age=35), 1):
        c = gen_cccd(q["dob"][0], q["female"])
        ph = gen_phone()
        rows.append("%d\t%s\t%s\t%s\t%s" % (i, q["name"], dmy(q["dob"]), c, ph))
        labs += [("cccd", c), ("phone", ph)]
    region = "\n".join(rows)
    text = ("DANH SÁCH HỢP ĐỒNG LAO ĐỘNG MỚI - QUÝ IV/2025\nSTT\tHọ tên\tNgày sinh\tSố CCCD\tSĐT\n" + region +
            "\nNhờ AI chuẩn hóa bảng này sang định dạng mẫu của Sở Nội vụ.")
    add(fam, "block", text, [("bulk_personal", region)] + labs, "Bảng nhân sự: CCCD + SĐT 3 người")


def family_credentials():
    fam = "blk-credential"
    pw = "Hl@" + rand_alnum(5) + "#2025"
    v = "mật khẩu: %s" % pw
    text = ("Gửi anh Tuấn bên CNTT,\nEm không đăng nhập được hệ thống quản lý văn bản, tài khoản: lan.ntt, %s. "
            "Anh kiểm tra giúp em với ạ." % v)
    add(fam, "block", text, [("credential", v)], "Mật khẩu viết ra sau 'mật khẩu:'")
    v = "Mật khẩu: Abc@12345"
    text = ("THÔNG TIN TÀI KHOẢN QUẢN TRỊ CỔNG TTĐT XÃ\nĐịa chỉ: https://tanhoa.example.gov.vn/admin\n"
            "Tên đăng nhập: admin_tanhoa\n%s\nĐề nghị đổi mật khẩu sau lần đăng nhập đầu tiên." % v)
    add(fam, "block", text, [("credential", v)], "Bàn giao tài khoản quản trị")
    pw = rand_alnum(3) + "#" + rand_alnum(5)
    v = "Mật khẩu tạm thời của anh là %s" % pw
    text = "%s, đăng nhập xong nhớ đổi ngay nhé. Tài khoản email công vụ đã được cấp lại." % v
    add(fam, "block", text, [("credential", v)], "Mật khẩu trong câu không có dấu hai chấm")
    v = "pass: " + "Phonghop" + rand_alnum(3, "0123456789") + "@"
    text = "wifi phòng họp tầng 3 là UBND-HOP3, %s nhé mọi người" % v
    add(fam, "block", text, [("credential", v)], "Mật khẩu wifi cơ quan 'pass:'")
    key = ("-----BEGIN RSA PRIVATE KEY-----\n" + rand_b64_lines(600, prefix="MIIEpAIBAAKCAQEA") +
           "\n-----END RSA PRIVATE KEY-----")
    text = "Máy chủ VPN bị lỗi xác thực, đây là khóa em đang dùng, nhờ kiểm tra định dạng:\n\n" + key
    add(fam, "block", text, [("credential", key)], "Khối khóa riêng RSA PEM (tổng hợp ngẫu nhiên)")
    key = ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + rand_b64_lines(300, width=70,
                                                                     prefix="b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ") +
           "\n-----END OPENSSH PRIVATE KEY-----")
    text = "cat ~/.ssh/id_ed25519\n" + key
    add(fam, "block", text, [("credential", key)], "Khóa riêng OpenSSH")
    akid = "AKIA" + rand_alnum(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    secret = rand_alnum(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    text = ("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = ap-southeast-1\n\n"
            "Sao lệnh aws s3 cp báo AccessDenied vậy?" % (akid, secret))
    add(fam, "block", text, [("credential", akid), ("credential", secret)], "Khóa truy cập AWS (AKIA...) + secret")
    tok = "ghp_" + rand_alnum(36)
    text = ("git clone https://%s@github.com/so-tttt-hoalam/cong-dich-vu-cong.git\n"
            "fatal: repository not found - lỗi gì vậy?" % tok)
    add(fam, "block", text, [("credential", tok)], "Token GitHub ghp_ trong URL")
    tok = "sk-proj-" + rand_alnum(48, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    text = ("import openai\nclient = openai.OpenAI(api_key=\"%s\")\n# tóm tắt công văn đến hằng ngày" % tok)
    add(fam, "block", text, [("credential", tok)], "Khóa API OpenAI sk-proj-")
    tok = "xoxb-%d-%d-%s" % (R.randrange(10 ** 11, 10 ** 12), R.randrange(10 ** 12, 10 ** 13), rand_alnum(24))
    text = "SLACK_BOT_TOKEN=%s\nBot gửi thông báo lịch trực vào kênh #van-phong không chạy." % tok
    add(fam, "block", text, [("credential", tok)], "Token Slack bot xoxb-")
    pw = rand_alnum(6) + "!" + rand_alnum(3, "0123456789")
    v = "postgresql://hoso_admin:%s@10.20.1.15:5432/motcua" % pw
    text = "DATABASE_URL=%s\nKết nối từ máy chủ ứng dụng bị timeout, nhờ xem cấu hình." % v
    add(fam, "block", text, [("credential", v)], "Chuỗi kết nối CSDL chứa mật khẩu")
    pw1 = rand_alnum(10)
    v = "MAIL_PASSWORD=%s" % pw1
    text = ("APP_ENV=production\nMAIL_HOST=smtp.example.gov.vn\nMAIL_USERNAME=noreply@example.gov.vn\n%s\n"
            "JWT_SECRET=%s" % (v, rand_alnum(32)))
    add(fam, "block", text, [("credential", v), ("credential", text.split("JWT_SECRET=")[1]),
                             ("email", "noreply@example.gov.vn")],
        "Tệp .env có mật khẩu SMTP và khóa JWT (email noreply chỉ là phát hiện phụ)")


# ---- warn ------------------------------------------------------------------------------------

def family_phone():
    fam = "warn-phone"
    tpls = [
        ("Anh Minh ơi, chiều nay có gì cần bổ sung hồ sơ thì gọi em qua số {p} nhé.", "433"),
        ("Trân trọng,\n{n}\nChuyên viên Phòng Tổng hợp - Văn phòng UBND huyện\nĐT: {p}", "dot"),
        ("Mọi thắc mắc về lịch tiêm chủng, phụ huynh liên hệ {a} {g} (y tế trường): {p}.", "plain"),
        ("Người liên hệ: {n}, số điện thoại {p}, đề nghị các đơn vị gửi báo cáo trước 16h thứ Sáu.", "plain"),
        ("Viết lại cho trang trọng hơn giúp tôi: \"Em là {n}, ai cần mượn phòng họp thì gọi {p} ạ\"", "intl"),
        ("Hotline hỗ trợ kỹ thuật (chỉ trong giờ hành chính): {a} {g} - {p}", "intl_plain"),
        ("Kính gửi anh chị,\nĐoàn sẽ xuất phát lúc 6h30 tại cổng chính. Trưởng đoàn: {n}, di động {p}.", "433"),
        ("Shipper gọi số {p} không được, chị kiểm tra lại địa chỉ nhận hàng giúp em.", "plain"),
        ("--\n{n}\nPhó Trưởng phòng Kinh tế\nMobile: {p}", "dot"),
    ]
    for t, st in tpls:
        p = person()
        ph = fmt_phone(gen_phone(), st)
        text = t.format(n=p["name"], g=p["name"].split()[-1], a=p["anh"], p=ph)
        add(fam, "warn", text, [("phone", ph)], "Một số điện thoại di động (một người)")


def family_email():
    fam = "warn-email"
    tpls = [
        "Bản mềm báo cáo đề nghị gửi về địa chỉ {e} trước ngày 15/11.",
        "Trân trọng,\n{n}\nPhòng Văn hóa và Thông tin\nEmail: {e}",
        "Nhờ bạn viết giúp thư cảm ơn gửi tới {e} vì đã hỗ trợ đoàn công tác.",
        "Cho em hỏi em gửi hồ sơ dự tuyển vào {e} đã được chưa ạ, em chưa nhận được thư xác nhận.",
        "Tài khoản đăng nhập hệ thống là địa chỉ thư công vụ của anh ({e}); mật khẩu anh tự đặt lần đầu.",
        "Forwarded message from {e}: \"Kính gửi anh, em gửi lại dự thảo kế hoạch tổ chức hội nghị.\"",
    ]
    for t in tpls:
        p = person()
        em = gen_email(p)
        add(fam, "warn", t.format(n=p["name"], e=em), [("email", em)], "Một địa chỉ email")


def family_signature():
    fam = "warn-signature"
    for role in ["Chuyên viên Phòng Cải cách hành chính", "Phó Chánh Văn phòng", "Trưởng Phòng Hành chính - Tổ chức"]:
        p = person()
        ph = fmt_phone(gen_phone(), R.choice(["dot", "433", "plain"]))
        em = gen_email(p)
        text = ("Kính gửi anh chị,\nEm gửi kèm dự thảo chương trình hội nghị sơ kết 6 tháng, anh chị góp ý giúp em "
                "trước thứ Tư.\n\nTrân trọng,\n%s\n%s\nĐT: %s | Email: %s" % (p["name"], role, ph, em))
        add(fam, "warn", text, [("phone", ph), ("email", em)],
            "Khối chữ ký của một người (SĐT + email): dưới ngưỡng dữ liệu hàng loạt (3 người)")


def family_mst_business():
    fam = "warn-mst-business"
    v = gen_mst()
    text = ("THÔNG TIN XUẤT HÓA ĐƠN\nTên đơn vị: Công ty TNHH Thương mại Hoàng Long Phát\nMST: %s\n"
            "Địa chỉ: Lô B2, Khu công nghiệp Tân Hòa, tỉnh Hòa Lâm" % v)
    add(fam, "warn", text, [("mst", v)], "MST doanh nghiệp 10 số, check digit đúng")
    v = gen_mst() + "-%03d" % R.randint(1, 20)
    text = ("Chi nhánh Công ty Cổ phần Xây dựng Minh Khang tại Bắc Hưng, mã số thuế %s, đề nghị được gia hạn nộp "
            "tiền thuê đất năm 2025." % v)
    add(fam, "warn", text, [("mst", v)], "MST chi nhánh dạng NNNNNNNNNN-NNN")
    v1, v2 = gen_mst(), gen_mst()
    text = ("HỢP ĐỒNG KINH TẾ\nBÊN A: Trung tâm Công nghệ thông tin tỉnh Hòa Lâm\n"
            "BÊN B: Công ty TNHH Phần mềm Sao Mai Việt - Mã số thuế: %s\n"
            "BÊN C (bảo hành): Công ty CP Thiết bị Đông Á - MST: %s" % (v1, v2))
    add(fam, "warn", text, [("mst", v1), ("mst", v2)], "Hai MST doanh nghiệp trong hợp đồng")
    v = gen_mst()
    text = "Tra cứu giúp tình trạng hoạt động của doanh nghiệp có mã số doanh nghiệp %s, nghe nói đã bỏ địa chỉ kinh doanh." % v
    add(fam, "warn", text, [("mst", v)], "Mã số doanh nghiệp (= MST)")
    v = gen_mst()
    vv = "%s.%s.%s.%s" % (v[:2], v[2:4], v[4:7], v[7:])
    text = "Đơn vị cung cấp: Công ty TNHH In ấn Phúc Thịnh, MST %s, đã giao đủ 5.000 bản tờ rơi tuyên truyền." % vv
    add(fam, "warn", text, [("mst", vv)], "MST doanh nghiệp viết theo nhóm có dấu chấm")
    v = gen_mst()
    text = ("Danh sách nhà thầu đạt kỹ thuật gói thầu số 03:\n1. Liên danh Thành Đạt - Phú Gia (đại diện liên danh "
            "MST %s)\n2. (không có nhà thầu thứ hai đạt yêu cầu)" % v)
    add(fam, "warn", text, [("mst", v)], "MST nhà thầu")
    v = gen_mst() + "-%03d" % R.randint(1, 9)
    text = "Mã số thuế: %s\nTên người nộp thuế: Chi nhánh Công ty CP Dược phẩm An Khang - Nhà thuốc số 7" % v
    add(fam, "warn", text, [("mst", v)], "MST chi nhánh, dạng trường")


def family_plate():
    fam = "warn-plate"
    tpls = [
        ("car", "Đề nghị bố trí xe ô tô BKS {v} đưa đoàn kiểm tra đi huyện Lạc Thủy Tây lúc 7h00 sáng thứ Hai."),
        ("bike", "Phiếu gửi xe: xe máy biển số {v}, màu đen, gửi qua đêm tại bãi xe cơ quan."),
        ("car", "THÔNG BÁO: Phương tiện mang biển kiểm soát {v} có hành vi vượt đèn đỏ lúc 08:14 ngày 02/10/2025, "
                "đề nghị chủ phương tiện đến làm việc."),
        ("bike", "Cho em hỏi xe {v} đỗ chắn lối thoát hiểm tầng hầm là của phòng nào ạ?"),
        ("car", "Lịch trực lái xe tuần 42: Thứ Hai - xe {v} (anh Hùng); Thứ Ba - xe dự phòng."),
        ("car", "Biên bản bàn giao xe công: xe Toyota Innova, biển số {v}, số km 86.420, còn 1/2 bình xăng."),
    ]
    for kind, t in tpls:
        v = gen_plate(kind)
        add(fam, "warn", t.format(v=v), [("license_plate", v)], "Biển số xe")


def family_circulation():
    fam = "warn-circulation"
    text = ("BẢN TIN SINH HOẠT CHI BỘ\nSố 05 - Tháng 5/2025\nLƯU HÀNH NỘI BỘ\n\n"
            "Chuyên đề tháng: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về phong cách làm "
            "việc khoa học, sát cơ sở.\nThông tin thời sự: kết quả phát triển kinh tế - xã hội 4 tháng đầu năm.")
    add(fam, "warn", text, [("circulation_mark", "LƯU HÀNH NỘI BỘ")], "Bản tin nội bộ có dấu LƯU HÀNH NỘI BỘ")
    so = "27/ĐC-BTG"
    text = ("BAN TUYÊN GIÁO HUYỆN ỦY\nSố: %s\nLƯU HÀNH NỘI BỘ\n\nĐỀ CƯƠNG TUYÊN TRUYỀN\n"
            "Kỷ niệm 80 năm Cách mạng tháng Tám và Quốc khánh 2/9\n"
            "I. MỤC ĐÍCH, YÊU CẦU\nII. NỘI DUNG TUYÊN TRUYỀN..." % so)
    add(fam, "warn", text, [("circulation_mark", "LƯU HÀNH NỘI BỘ"), ("state_doc_number", so)],
        "Đề cương tuyên truyền lưu hành nội bộ")
    so = "31/BC-UBND"
    head = state_header("UBND HUYỆN PHÚ XUÂN ĐÔNG", "", so, "Phú Xuân Đông", vn_date(year=2025), "tab",
                        box10=["XEM XONG TRẢ LẠI"])
    text = head + ("\n\nBÁO CÁO\nDự kiến phân bổ chỉ tiêu biên chế năm 2026\n"
                   "1. Tổng biên chế công chức giao: 86; dự kiến tinh giản 4 biên chế.\n"
                   "2. Đề xuất điều chuyển 02 biên chế từ Phòng Văn hóa sang Phòng Nội vụ.")
    add(fam, "warn", text, [("circulation_mark", "XEM XONG TRẢ LẠI"), ("state_doc_number", so)],
        "Văn bản có dấu XEM XONG TRẢ LẠI, không có dấu độ mật")
    text = ("XONG HỘI NGHỊ TRẢ LẠI\nDỰ THẢO BÁO CÁO KIỂM ĐIỂM TẬP THỂ BAN THƯỜNG VỤ NĂM 2025\n"
            "(Tài liệu phục vụ hội nghị kiểm điểm, đánh giá, xếp loại chất lượng)")
    add(fam, "warn", text, [("circulation_mark", "XONG HỘI NGHỊ TRẢ LẠI")],
        "Dấu 'XONG HỘI NGHỊ TRẢ LẠI' (mẫu chưa xác nhận, coi như dấu lưu hành): không phải dấu độ mật -> warn")
    text = ("Lưu hành nội bộ\nSỔ TAY HƯỚNG DẪN SỬ DỤNG HỆ THỐNG QUẢN LÝ VĂN BẢN VÀ ĐIỀU HÀNH\n"
            "Phiên bản 2.3 - dành cho cán bộ, công chức các sở, ngành\nChương 1. Đăng nhập và cấu hình tài khoản")
    add(fam, "warn", text, [("circulation_mark", "Lưu hành nội bộ")], "Dấu lưu hành nội bộ viết thường, đứng riêng dòng")
    text = ("TAI LIEU SINH HOAT CHUYEN DE QUY III\nLUU HANH NOI BO\nChu de: Nang cao ky luat, ky cuong hanh chinh "
            "trong thuc thi cong vu")
    add(fam, "warn", text, [("circulation_mark", "LUU HANH NOI BO")], "Dấu lưu hành nội bộ gõ không dấu")
    so = "112/TB-VP"
    text = ("VĂN PHÒNG UBND TỈNH\nSố: %s\nLƯU HÀNH NỘI BỘ\n\nTHÔNG BÁO\nLịch làm việc của lãnh đạo UBND tỉnh tuần 46\n"
            "Thứ Hai: Chủ tịch họp Ban Thường vụ Tỉnh ủy.\nThứ Ba: Phó Chủ tịch Thường trực làm việc với Sở Xây dựng."
            % so)
    add(fam, "warn", text, [("circulation_mark", "LƯU HÀNH NỘI BỘ"), ("state_doc_number", so)],
        "Lịch công tác lãnh đạo lưu hành nội bộ")


def family_urgency():
    fam = "warn-urgency"
    specs = [
        ("HỎA TỐC", "Số: %d/UBND-NN", "V/v triển khai khẩn cấp các biện pháp ứng phó bão số 3",
         "Theo tin của Trung tâm Dự báo khí tượng thủy văn quốc gia, bão số 3 đang di chuyển nhanh vào vùng biển "
         "phía Bắc. Chủ tịch UBND tỉnh yêu cầu các huyện, thị xã, thành phố khẩn trương kêu gọi tàu thuyền vào "
         "nơi tránh trú an toàn trước 17 giờ hôm nay; tổ chức sơ tán dân ở khu vực nguy hiểm."),
        ("HOẢ TỐC", "Số: %d/SYT-NVY", "V/v tăng cường phòng, chống dịch sốt xuất huyết",
         "Số ca mắc sốt xuất huyết tuần qua tăng 42% so với cùng kỳ. Đề nghị các đơn vị tổ chức ngay chiến dịch "
         "diệt lăng quăng, bọ gậy và báo cáo kết quả về Sở Y tế trước thứ Sáu."),
        ("THƯỢNG KHẨN", "Số: %d/UBND-KT", "V/v báo cáo tiến độ giải ngân vốn đầu tư công",
         "Để kịp tổng hợp báo cáo Thủ tướng Chính phủ, UBND tỉnh yêu cầu các chủ đầu tư báo cáo số liệu giải ngân "
         "đến hết ngày 31/10/2025 theo biểu mẫu kèm theo, gửi trước 10 giờ sáng mai."),
        ("KHẨN", "Số: %d/SNV-CCVC", "V/v rà soát số lượng cán bộ dôi dư sau sắp xếp",
         "Đề nghị các cơ quan, đơn vị rà soát, tổng hợp số lượng cán bộ, công chức dôi dư theo Phụ lục 01 gửi Sở "
         "Nội vụ trước ngày 20/11/2025 để tổng hợp."),
        ("KHẨN", "Số: %d/STNMT-ĐĐ", "V/v cung cấp hồ sơ phục vụ đoàn kiểm tra",
         "Đề nghị UBND các xã cung cấp hồ sơ giao đất, cho thuê đất giai đoạn 2020 - 2024 phục vụ đoàn kiểm tra "
         "của Bộ Tài nguyên và Môi trường."),
        ("HỎA TỐC", "Số: %d/BCĐ-PCTT", "V/v sơ tán dân khu vực có nguy cơ sạt lở",
         "Yêu cầu UBND huyện Thạch An Nam tổ chức di dời ngay 37 hộ dân tại khu vực đồi Bảy Mẫu đến nơi an toàn, "
         "hoàn thành trước 18 giờ ngày hôm nay."),
    ]
    for i, (stamp, so_fmt, vv, body) in enumerate(specs):
        so = so_fmt % R.randint(100, 3999)
        so_v = so[len("Số: "):]
        place = R.choice(PLACES)
        agency = {"SYT": "SỞ Y TẾ", "SNV": "SỞ NỘI VỤ", "STN": "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
                  "BCĐ": "BAN CHỈ ĐẠO PCTT VÀ TKCN"}.get(so_v.split("/")[1][:3], "")
        head = state_header("UBND TỈNH %s" % place.upper(), agency, so_v, place, vn_date(year=2025),
                            ["tab", "left_first", "right_first"][i % 3], box10=[stamp], summary=vv)
        text = head + "\n\nKính gửi: Các sở, ban, ngành; UBND các huyện, thị xã, thành phố.\n\n" + body
        add(fam, "warn", text, [("urgency_mark", stamp), ("state_doc_number", so_v)],
            "Dấu độ khẩn %s đứng riêng dòng (ô 10b), không có dấu độ mật" % stamp)
    # urgency + one focal contact phone
    p = person()
    ph = fmt_phone(gen_phone(), "dot")
    so = "%d/UBND-VX" % R.randint(100, 999)
    head = state_header("UBND HUYỆN TÂN HÒA BẮC", "", so, "Tân Hòa Bắc", vn_date(year=2025), "left_first",
                        box10=["KHẨN"], summary="V/v tổ chức tiêm vắc xin sởi cho trẻ em")
    text = head + ("\n\nĐề nghị UBND các xã, thị trấn phối hợp với trạm y tế rà soát trẻ chưa tiêm đủ mũi. "
                   "Đầu mối liên hệ: đồng chí %s, Trưởng phòng Y tế, ĐT: %s." % (p["name"], ph))
    add(fam, "warn", text, [("urgency_mark", "KHẨN"), ("phone", ph), ("state_doc_number", so)],
        "Dấu KHẨN + một SĐT đầu mối: cả hai đều mức warn")
    # electronic message with THƯỢNG KHẨN line
    text = ("THƯỢNG KHẨN\nKính gửi: Chánh Văn phòng các sở, ngành\nVăn phòng UBND tỉnh đề nghị các đơn vị cập nhật số "
            "liệu thiệt hại do mưa lũ lên phần mềm trước 15h00 hôm nay để kịp báo cáo Trung ương.")
    add(fam, "warn", text, [("urgency_mark", "THƯỢNG KHẨN")], "Thư điện tử nội bộ mở đầu bằng dòng THƯỢNG KHẨN")


def family_party_header():
    fam = "warn-party-header"
    specs = [
        ("ĐẢNG BỘ TỈNH HÒA LÂM\nHUYỆN ỦY ĐÔNG HƯNG PHÚ", "45-CV/HU", "Đông Hưng Phú",
         "V/v chuẩn bị nội dung kỳ họp Ban Thường vụ tháng 6",
         "Kính gửi: Các chi, đảng bộ trực thuộc\n\nĐể chuẩn bị nội dung kỳ họp Ban Thường vụ Huyện ủy tháng 6/2025, "
         "Thường trực Huyện ủy đề nghị các chi, đảng bộ trực thuộc báo cáo kết quả thực hiện nhiệm vụ 6 tháng đầu năm, "
         "gửi về Văn phòng Huyện ủy trước ngày 10/6/2025.", "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ"),
        ("TỈNH ỦY AN THỊNH\nVĂN PHÒNG", "36-HD/VPTU", "An Thịnh",
         "HƯỚNG DẪN|Sử dụng công cụ trí tuệ nhân tạo trong cơ quan Đảng",
         "Căn cứ hướng dẫn của cấp trên về ứng dụng trí tuệ nhân tạo, Văn phòng Tỉnh ủy hướng dẫn như sau:\n"
         "1. Không đưa thông tin thuộc danh mục bí mật nhà nước lên nền tảng AI công cộng.\n"
         "2. Ưu tiên nền tảng AI do doanh nghiệp Việt Nam phát triển, được cơ quan có thẩm quyền thẩm định.",
         "K/T CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG"),
        ("ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH\nĐẢNG ỦY SỞ NỘI VỤ", "12-KH/ĐU", "Bắc Hưng",
         "KẾ HOẠCH|Kiểm tra, giám sát năm 2026",
         "Thực hiện Chương trình kiểm tra, giám sát của Đảng ủy Khối, Đảng ủy Sở xây dựng kế hoạch kiểm tra, giám "
         "sát năm 2026 như sau: kiểm tra 02 chi bộ trực thuộc; giám sát chuyên đề 04 đảng viên là cấp ủy viên.",
         "T/M ĐẢNG ỦY\nBÍ THƯ"),
        ("ĐẢNG BỘ TỈNH NAM SƠN HÀ\nBAN TỔ CHỨC TỈNH ỦY", "110-TTr/BTCTU", "Nam Sơn Hà",
         "TỜ TRÌNH|Về việc chuẩn y kết quả bầu cử bổ sung cấp ủy",
         "Kính gửi: Ban Thường vụ Tỉnh ủy\n\nBan Tổ chức Tỉnh ủy kính trình Ban Thường vụ xem xét, chuẩn y kết quả "
         "bầu bổ sung Ủy viên Ban Chấp hành Đảng bộ huyện nhiệm kỳ 2020 - 2025 theo đề nghị của Huyện ủy.",
         "TRƯỞNG BAN"),
        ("ĐẢNG BỘ TỈNH TÂY LẠC\nHUYỆN ỦY THẠCH AN NAM", "407-CV/HU", "Thạch An Nam",
         "V/v góp ý dự thảo Báo cáo chính trị",
         "Kính gửi: Các đồng chí Ủy viên Ban Chấp hành Đảng bộ huyện\n\nThường trực Huyện ủy gửi dự thảo Báo cáo "
         "chính trị trình Đại hội, đề nghị các đồng chí nghiên cứu, góp ý bằng văn bản trước ngày 05/7/2025.",
         "T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG"),
        ("ĐẢNG BỘ XÃ TÂN HÒA\nCHI BỘ THÔN ĐÔNG", "03-BC/CB", "Tân Hòa",
         "BÁO CÁO|Kết quả sinh hoạt chi bộ quý III",
         "Trong quý III, chi bộ tổ chức 03 kỳ sinh hoạt thường kỳ, 01 kỳ sinh hoạt chuyên đề về xây dựng nông thôn "
         "mới; tỷ lệ đảng viên dự sinh hoạt bình quân đạt 92%.", "T/M CHI BỘ\nBÍ THƯ"),
    ]
    for i, (left, num, place, title, body, sign) in enumerate(specs):
        date = admin_date(place, vn_date(year=2025))
        l1, l2 = left.split("\n")
        is_letter = title.startswith("V/v")
        if i % 2 == 0:   # left column first, then the Party name and date
            head = "%s\n%s\n*\nSố %s\n" % (l1, l2, num)
            if is_letter:
                head += title + "\n"
            head += "ĐẢNG CỘNG SẢN VIỆT NAM\n" + date
        else:            # two columns separated by a tab
            head = "%s\tĐẢNG CỘNG SẢN VIỆT NAM\n%s\n*\nSố %s\t%s" % (l1, l2, num, date)
            if is_letter:
                head += "\n" + title
        if is_letter:
            rest = body
        else:
            kind, about = title.split("|")
            rest = "%s\n%s\n\n%s" % (kind, about, body)
        text = head + "\n\n" + rest + "\n\n" + sign + "\n" + person(min_age=40)["name"]
        add(fam, "warn", text, [("party_doc_number", num)],
            "Phần đầu văn bản nội bộ của Đảng (ĐẢNG CỘNG SẢN VIỆT NAM + số ký hiệu %s), không có dấu mật" % num)


# ---- allow -----------------------------------------------------------------------------------

def family_discussion():
    fam = "allow-discussion"
    T = [
        "Luật Bảo vệ bí mật nhà nước số 117/2025/QH15 có hiệu lực từ ngày 1/3/2026 quy định nghiêm cấm việc sử "
        "dụng trí tuệ nhân tạo, công nghệ mới để xâm phạm bí mật nhà nước. Theo các chuyên gia, cán bộ tuyệt đối "
        "không đưa tài liệu tối mật, tuyệt mật hay văn bản đóng dấu \"MẬT\" lên các nền tảng AI công cộng.",
        "HƯỚNG DẪN NHANH: PHÂN LOẠI THÔNG TIN TRƯỚC KHI DÙNG AI\n"
        "- Nếu văn bản có đóng dấu độ mật (Mật, Tối mật, Tuyệt mật) thì không được sao chép vào ChatGPT, Gemini.\n"
        "- Nếu văn bản có dấu \"Lưu hành nội bộ\", cần xin ý kiến lãnh đạo đơn vị trước khi sử dụng.\n"
        "- Văn bản đã công bố công khai trên cổng thông tin điện tử có thể dùng để tóm tắt.",
        "Câu 1. Theo Luật Bảo vệ bí mật nhà nước năm 2018, bí mật nhà nước được phân loại thành mấy độ?\n"
        "A. Hai độ: mật và tối mật\nB. Ba độ: tuyệt mật, tối mật và mật\nC. Bốn độ\nD. Không phân loại\n"
        "Đáp án: B",
        "Câu 5: Khi phát hiện tài liệu có đóng dấu \"TỐI MẬT\" bị bỏ quên tại phòng họp, đồng chí cần làm gì?\n"
        "Trả lời: thu giữ, niêm phong và báo cáo ngay người đứng đầu cơ quan, không tự ý đọc hoặc sao chụp.",
        "Chuyên đề 2: Nhận diện các loại dấu độ mật (MẬT, TỐI MẬT, TUYỆT MẬT) và dấu thu hồi theo Thông tư "
        "24/2020/TT-BCA\nThời lượng: 90 phút. Đối tượng: văn thư, lưu trữ các cơ quan, đơn vị.",
        "Điều 8 Luật Bảo vệ bí mật nhà nước (trích): Căn cứ vào tính chất quan trọng của nội dung thông tin, mức độ "
        "nguy hại nếu bị lộ, bị mất, bí mật nhà nước được phân loại thành 03 độ mật: 1. Bí mật nhà nước độ Tuyệt mật "
        "là bí mật nhà nước liên quan đến chính trị, quốc phòng, an ninh... 2. Bí mật nhà nước độ Tối mật... "
        "3. Bí mật nhà nước độ Mật...",
        "Phóng sự: Từ một chiếc USB bị mất, cơ quan điều tra phát hiện hàng chục văn bản độ mật, tối mật bị sao "
        "chép trái phép. Vụ việc là bài học đắt giá về ý thức bảo vệ bí mật nhà nước của cán bộ, công chức.",
        "Theo hướng dẫn của Văn phòng Trung ương Đảng, trước khi dùng AI, cán bộ phải tự phân loại mức độ nhạy cảm "
        "của thông tin; thông tin thuộc danh mục bí mật nhà nước hay dữ liệu cá nhân nhạy cảm tuyệt đối không đưa "
        "lên nền tảng AI công cộng không rõ nguồn gốc.",
        "Hỏi: Văn bản điện tử có độ mật thì trường \"Độ mật\" trên hệ thống quản lý văn bản được thể hiện thế nào?\n"
        "Đáp: Hệ thống hiển thị mức độ mật tương ứng và không cho phép chuyển văn bản qua mạng Internet.",
        "Quy trình: Văn thư đóng dấu \"TÀI LIỆU THU HỒI\" vào tài liệu mật cần thu hồi sau hội nghị, sau đó lập sổ "
        "theo dõi và thu lại đủ số bản đã phát. Dấu \"CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ\" được đóng trên bì thư.",
        "Bài kiểm tra cuối khóa - phần tự luận: Trình bày sự khác nhau giữa dấu \"BẢN SAO SỐ\" và dấu \"XEM XONG TRẢ "
        "LẠI\", cho ví dụ về trường hợp sử dụng từng loại dấu trong công tác văn thư.",
        "Tin tức: Tòa án nhân dân tỉnh vừa xét xử vụ án \"Cố ý làm lộ bí mật nhà nước\"; bị cáo nguyên là cán bộ "
        "văn phòng đã chụp ảnh tài liệu tối mật gửi qua mạng xã hội. Hội đồng xét xử tuyên phạt bị cáo 3 năm tù.",
        "Slide 7 - Những sai lầm thường gặp khi dùng AI:\n• Dán nguyên văn báo cáo có độ mật để nhờ AI tóm tắt\n"
        "• Gửi danh sách cán bộ kèm số CCCD, số điện thoại để nhờ AI lập bảng\n• Dùng AI dịch công hàm chưa công bố",
        "Trả lời bạn đọc: Văn bản có dấu độ khẩn (Hỏa tốc, Thượng khẩn, Khẩn) phải được chuyển ngay sau khi nhận; "
        "dấu độ khẩn không có nghĩa văn bản đó là tài liệu mật.",
        "Câu 12. Dấu nào sau đây là dấu chỉ độ mật?\nA. Hỏa tốc\nB. Tối mật\nC. Lưu hành nội bộ\nD. Xem xong trả lại\n"
        "Đáp án đúng: B",
        "Báo cáo sơ kết: trong năm, các cơ quan đã rà soát, điều chỉnh độ mật đối với 214 tài liệu, giải mật 57 tài "
        "liệu hết thời hạn bảo vệ; không để xảy ra lộ, mất tài liệu mật, tối mật.",
        "Đề nghị các đồng chí không sao chụp tài liệu mật bằng điện thoại thông minh và không chia sẻ nội dung đóng "
        "dấu TỐI MẬT, TUYỆT MẬT qua Zalo, Facebook hay bất kỳ ứng dụng trí tuệ nhân tạo nào.",
        "Review sách: \"Hồ sơ tuyệt mật\" là tiểu thuyết trinh thám lấy bối cảnh Sài Gòn những năm 1970, hấp dẫn "
        "từ những trang đầu với nhiều tình tiết bất ngờ.",
    ]
    notes = ["Tin tức nhắc đến tài liệu tối mật trong câu văn", "Hướng dẫn: tên dấu nằm trong câu, không phải dấu",
             "Câu hỏi trắc nghiệm về độ mật", "Câu hỏi tình huống nhắc dấu TỐI MẬT trong ngoặc kép",
             "Tiêu đề chuyên đề liệt kê các dấu trong ngoặc (thảo luận)", "Trích điều luật về độ mật",
             "Phóng sự báo chí", "Hướng dẫn dùng AI an toàn", "Hỏi đáp về trường Độ mật (không có giá trị)",
             "Mô tả quy trình dùng dấu thu hồi/bóc bì (thảo luận)", "Đề kiểm tra", "Tin xét xử (không nêu tên bị cáo)",
             "Slide tập huấn", "Giải đáp về dấu độ khẩn", "Trắc nghiệm: phương án 'B. Tối mật' là đáp án, không phải dấu (ca khó)",
             "Báo cáo sơ kết số liệu", "Nhắc nhở trong câu văn có chữ in hoa", "Tên sách 'Hồ sơ tuyệt mật'"]
    for t, n in zip(T, notes):
        add(fam, "allow", t, [], n)


def family_mat_words():
    fam = "allow-mat-words"
    T = [
        ("Nhắc nhở từ Phòng CNTT: hãy đổi mật khẩu định kỳ 90 ngày một lần, không dùng chung mật khẩu giữa email công "
         "vụ và mạng xã hội, bật xác thực hai lớp khi có thể.", "'mật khẩu' là từ thường, không có giá trị"),
        ("Yêu cầu về mật khẩu: tối thiểu 12 ký tự, gồm chữ hoa, chữ thường, chữ số và ký tự đặc biệt; không chứa "
         "họ tên hoặc ngày sinh.", "'mật khẩu:' theo sau là mô tả chính sách, không phải mật khẩu (ca khó)"),
        ("CÔNG THỨC TRÀ GỪNG MẬT ONG\nNguyên liệu:\n- Gừng tươi: 1 củ\n- Mật ong: 2 thìa canh\n- Chanh: nửa quả\n"
         "Cách làm: thái lát gừng, hãm với nước sôi 5 phút, để nguội bớt rồi thêm mật ong.", "Mật ong trong công thức"),
        ("MẬT ĐỘ DÂN SỐ CÁC HUYỆN NĂM 2024\nĐơn vị tính: người/km²\nThành phố: 2.315\nHuyện Đông Hưng Phú: 846\n"
         "Huyện Lạc Thủy Tây: 412", "Tiêu đề bảng bắt đầu bằng 'MẬT ĐỘ' (ca khó: dòng in hoa bắt đầu bằng MẬT)"),
        ("Thư mời thân mật: Nhân dịp kỷ niệm 20 năm thành lập Trung tâm, Ban Giám đốc trân trọng kính mời anh chị tới "
         "dự buổi gặp mặt thân mật vào 18h00 thứ Bảy.", "thân mật"),
        ("Hai nhiệm vụ này có quan hệ mật thiết với nhau: cải cách thủ tục hành chính phải đi đôi với chuyển đổi số "
         "trong giải quyết hồ sơ.", "mật thiết"),
        ("Chính sách bảo mật của Cổng dịch vụ công: thông tin cá nhân của người dân chỉ được sử dụng cho mục đích "
         "giải quyết thủ tục hành chính và được bảo mật theo quy định.", "bảo mật"),
        ("Sỏi túi mật là bệnh lý tiêu hóa thường gặp ở người trên 40 tuổi. Người bệnh nên hạn chế đồ ăn nhiều dầu mỡ "
         "và khám định kỳ nếu có cơn đau hạ sườn phải.", "túi mật trong bài phổ biến kiến thức, không gắn với người có tên"),
        ("Cả phòng giữ bí mật nhé, chiều thứ Sáu mình tổ chức sinh nhật bất ngờ cho chị Hạnh, mọi người góp 100 nghìn.",
         "'bí mật' nghĩa đời thường"),
        ("BÍ MẬT CỦA NHỮNG CÁNH ĐỒNG MUỐI\nPhim tài liệu kể về cuộc sống của diêm dân vùng ven biển, phát sóng lúc "
         "20h10 tối Chủ nhật.", "Tiêu đề phim in hoa có 'BÍ MẬT' đứng đầu dòng"),
        ("Quy hoạch chi tiết khu dân cư phía Bắc: mật độ xây dựng tối đa 60%, tầng cao tối đa 5 tầng, hệ số sử dụng "
         "đất không quá 3 lần.", "mật độ xây dựng"),
        ("Nông dân xã Tân Hòa thu hoạch mật mía, giá bán năm nay khoảng 25.000 đồng/kg; nhiều hộ làm thêm mật ong "
         "rừng để tăng thu nhập.", "mật mía, mật ong"),
    ]
    for t, n in T:
        add(fam, "allow", t, [], n)


def family_toi_mat():
    fam = "allow-toi-mat-chat"
    T = [
        ("toi mat vi roi, ai thay cai vi mau nau o can tin thi bao minh voi nhe", "'toi mat vi roi' = tôi mất ví rồi"),
        ("hom qua toi mat dien ca toi nen chua lam xong bao cao, sang nay toi gui nhe", "tôi mất điện cả tối"),
        ("Chi oi toi mat ngu may hom nay, chac do lo viec tong ket cuoi nam", "tôi mất ngủ"),
        ("toi mat 2 tieng moi tim ra file do trong may, lan sau dat ten ro rang giup toi", "tôi mất 2 tiếng"),
    ]
    for t, n in T:
        add(fam, "allow", t, [], "Chat không dấu trong câu: " + n)


def family_thu_hoi():
    fam = "allow-thu-hoi"
    T = [
        ("UBND huyện đã hoàn thiện hồ sơ, tài liệu thu hồi đất để thực hiện dự án đường vành đai phía Nam, dự kiến "
         "chi trả bồi thường cho 124 hộ trong tháng 12.", "tài liệu thu hồi đất"),
        ("Nhà sản xuất đã gửi tài liệu thu hồi sản phẩm (recall notice) đối với lô sữa bột số 2403, đề nghị các cửa "
         "hàng ngừng bán và hoàn tiền cho khách.", "thu hồi sản phẩm"),
        ("Kết quả thử nghiệm công cụ tìm kiếm văn bản: tỷ lệ tài liệu thu hồi được (recall) đạt 92%, độ chính xác "
         "(precision) đạt 87% trên bộ 5.000 văn bản.", "recall trong truy hồi thông tin"),
        ("Thư viện thông báo: các tài liệu thu hồi về sau đợt kiểm kê sẽ được phân loại lại trước ngày 15/12; bạn "
         "đọc mượn quá hạn vui lòng trả sách sớm.", "thư viện thu hồi sách mượn"),
    ]
    for t, n in T:
        add(fam, "allow", t, [], "'tài liệu thu hồi' trong câu, nghĩa thông thường: " + n)


def family_published_numbers():
    fam = "allow-published-docnum"
    T = [
        "Nghị quyết 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới "
        "sáng tạo và chuyển đổi số quốc gia được xác định là \"khoán 10\" trong thời kỳ mới.",
        "Theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, dữ liệu về sức khỏe, tôn giáo, tài khoản ngân hàng "
        "thuộc nhóm dữ liệu cá nhân nhạy cảm.",
        "Luật 117/2025/QH15 về Bảo vệ bí mật nhà nước thay thế Luật Bảo vệ bí mật nhà nước số 29/2018/QH14 kể từ ngày "
        "1/3/2026.",
        "Thể thức văn bản hành chính thực hiện theo Nghị định 30/2020/NĐ-CP về công tác văn thư; mẫu dấu chỉ độ mật "
        "theo Thông tư 24/2020/TT-BCA.",
        "Thực hiện Nghị quyết 18-NQ/TW của Ban Chấp hành Trung ương khóa XII, tỉnh đã giảm 12 đầu mối cấp phòng và "
        "tương đương trong năm 2025.",
        "Bài viết phân tích ý nghĩa của Chỉ thị 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách "
        "Hồ Chí Minh trong cán bộ, đảng viên.",
        "Công văn 557/BKHCN-CĐSQG của Bộ Khoa học và Công nghệ khuyến nghị cán bộ, công chức không sử dụng nền tảng "
        "AI công cộng để xử lý thông tin nội bộ.",
        "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 có hiệu lực từ ngày 1/1/2026, nâng mức xử phạt đối với hành vi "
        "mua bán dữ liệu cá nhân.",
    ]
    for t in T:
        add(fam, "allow", t, [], "Số hiệu văn bản đã công bố được trích dẫn trong câu văn")


def family_lookalike():
    fam = "allow-lookalike"

    def unknown_12():
        while True:
            v = R.choice(UNKNOWN_CCCD_CODES) + "%09d" % R.randrange(10 ** 9)
            if not cccd_valid(v):
                return v

    v = unknown_12()
    add(fam, "allow", "Mã hồ sơ một cửa: %s\nTrạng thái: đang xử lý tại Phòng Tài nguyên và Môi trường" % v, [],
        "Số 12 chữ số với mã tỉnh không tồn tại (%s): không phải CCCD" % v[:3])
    v = "099" + "%09d" % R.randrange(10 ** 9)
    add(fam, "allow", "Mã tra cứu kết quả: %s - vui lòng nhập mã này trên cổng dịch vụ công để theo dõi." % v, [],
        "Mã bắt đầu 099: mã tỉnh không có trong bảng 63 tỉnh")
    v = "003" + "%09d" % R.randrange(10 ** 9)
    add(fam, "allow", "Số seri lô hàng vật tư y tế: %s, nhập kho ngày 03/10/2025." % v, [], "Mã tỉnh 003 không tồn tại")
    prov = R.choice(sorted(CCCD_PROVINCES))
    v = "%s2%02d%06d" % (prov, R.randint(40, 99), R.randrange(10 ** 6))
    assert not cccd_valid(v)
    add(fam, "allow", "Số CCCD: %s (dữ liệu mẫu trong tài liệu hướng dẫn nhập liệu, năm sinh 20%s chưa tới)" % (v, v[4:6]),
        [], "Năm sinh trong tương lai (chữ số thế kỷ 2, năm %s): không hợp lệ dù có từ khóa (ca khó)" % v[4:6])
    v = "%s5%02d%06d" % (R.choice(sorted(CCCD_PROVINCES)), R.randint(0, 99), R.randrange(10 ** 6))
    assert not cccd_valid(v)
    add(fam, "allow", "Mã vạch phiếu khảo sát: %s" % v, [], "Chữ số thế kỷ 5 (thế kỷ 22): năm sinh không thể")
    add(fam, "allow", "Tra cứu đơn hàng: mã đơn hàng 123456789012, dự kiến giao trong 2-3 ngày làm việc.", [],
        "Mã đơn hàng 12 số (mã tỉnh 123 không tồn tại)")
    v = gen_bad_mst()
    add(fam, "allow", "Công ty khai MST: %s trên tờ khai nhưng hệ thống báo sai mã, đề nghị kiểm tra lại." % v, [],
        "MST sai chữ số kiểm tra")
    v = gen_bad_mst() + "-002"
    add(fam, "allow", "Mã số thuế chi nhánh ghi trên hóa đơn: %s (không hợp lệ, cần xuất lại hóa đơn)." % v, [],
        "MST dạng chi nhánh nhưng phần 10 số sai chữ số kiểm tra")
    v = group4(gen_bad_card("visa"))
    add(fam, "allow", "Số thẻ khách cung cấp: %s - hệ thống báo số thẻ không hợp lệ, đã đề nghị khách nhập lại." % v, [],
        "Dãy 16 số dạng Visa nhưng không qua Luhn")
    v = gen_bad_card("mc")
    add(fam, "allow", "Số seri thiết bị kiểm soát ra vào: %s, bảo hành đến 12/2027." % v, [],
        "Dãy giống Mastercard nhưng sai Luhn")
    raw = gen_iban("DE")
    bad = raw[:2] + "%02d" % ((int(raw[2:4]) + 7) % 100) + raw[4:]
    if iban_valid(bad):
        bad = raw[:2] + "%02d" % ((int(raw[2:4]) + 11) % 100) + raw[4:]
    assert not iban_valid(bad)
    add(fam, "allow", "Đối tác gửi số IBAN %s nhưng ngân hàng từ chối vì sai số kiểm tra, đã đề nghị họ gửi lại." % group4(bad), [],
        "IBAN sai mod-97")
    add(fam, "allow", "Mọi phản ánh về dịch vụ công, vui lòng gọi tổng đài 1900 9090 hoặc đường dây nóng miễn phí "
        "1800 1091 (trong giờ hành chính).", [], "Số tổng đài 1900/1800 không phải số cá nhân")
    add(fam, "allow", "Khi có tình huống khẩn cấp: gọi 113 (công an), 114 (cứu hỏa, cứu nạn cứu hộ), 115 (cấp cứu y "
        "tế); số 111 là tổng đài quốc gia bảo vệ trẻ em.", [], "Số khẩn cấp 113/114/115/111")
    add(fam, "allow", "Tổng thu ngân sách nhà nước trên địa bàn năm 2025 ước đạt 18.452.600 triệu đồng, tăng 12,4% so "
        "với năm 2024; chi đầu tư phát triển 7.315.280 triệu đồng.", [], "Số tiền, thống kê")
    add(fam, "allow", "Dân số trung bình của tỉnh năm 2024 là 1.284.530 người; mật độ 412 người/km²; tỷ lệ hộ nghèo "
        "còn 2,87%.", [], "Thống kê dân số")
    ph = gen_phone()
    run = "%d%s%d" % (R.randint(2024, 2025), ph, R.randint(10, 99))
    add(fam, "allow", "Mã giao dịch: FT%s - trạng thái: thành công" % run, [],
        "Chuỗi số dài chứa đoạn giống SĐT (%s) bên trong: ranh giới chữ số" % ph)
    ph = gen_phone()
    add(fam, "allow", "Số tham chiếu thanh toán 88%s4 đã được ghi nhận vào sổ kế toán." % ph, [],
        "Đoạn giống SĐT nằm trong chuỗi 13 chữ số")
    add(fam, "allow", "Thuê bao 01688123456 không liên lạc được do chưa chuyển đổi sang 10 số từ năm 2018.", [],
        "SĐT 11 số kiểu cũ (đã ngừng)")
    add(fam, "allow", "Trường số điện thoại trên biểu mẫu nhập sai định dạng: 0123456789 (đầu số 012 không còn sử dụng).", [],
        "Đầu số 012 không phải di động 10 số hiện hành")
    add(fam, "allow", "Hạch toán vào TK 1121 - Tiền Việt Nam gửi ngân hàng, đối ứng TK 5111 - Doanh thu bán hàng hóa "
        "theo Thông tư 200/2014/TT-BTC.", [], "Số hiệu tài khoản kế toán (4 chữ số) có từ 'tài khoản', 'ngân hàng' (ca khó)")
    add(fam, "allow", "Mã hồ sơ TTHC: 000.00.12.H26-251014-0012, tiếp nhận ngày 14/10/2025, hẹn trả 21/10/2025.", [],
        "Mã hồ sơ thủ tục hành chính, ngày tháng")
    add(fam, "allow", "Mã vạch sản phẩm 8936012345674 (EAN-13, mã quốc gia 893) in trên bao bì gạo đặc sản.", [],
        "Mã vạch EAN-13")
    add(fam, "allow", "ISBN 978-604-0-12345-6, Nhà xuất bản Chính trị quốc gia Sự thật, xuất bản năm 2024, 356 trang.", [],
        "ISBN")
    add(fam, "allow", "Cuộc họp dời từ 08/10/2025 sang 15/10/2025, lúc 14:30; kinh phí dự kiến 45.000.000 đồng.", [],
        "Ngày giờ và số tiền")
    add(fam, "allow", "Mã bưu chính của xã Tân Hòa là 43115; mã định danh điện tử của cơ quan theo Quyết định 20/2020/QĐ-TTg "
        "là H26.12.05.", [], "Mã bưu chính, mã định danh cơ quan (không phải cá nhân)")
    v = gen_vietqr("970436", "0011000123456")
    bad = v[:-4] + ("%04X" % ((int(v[-4:], 16) + 1) & 0xFFFF))
    assert not vietqr_valid(bad)
    add(fam, "allow", "Chuỗi mẫu bị lỗi trong tài liệu kỹ thuật (CRC sai, không quét được): %s" % bad, [],
        "Chuỗi dạng VietQR nhưng CRC sai -> không phải payload hợp lệ (ca khó; chính sách chỉ chặn CRC đúng)")
    add(fam, "allow", "Số hiệu tàu cá QN-90512-TS đã cập cảng an toàn; 1.246 tàu thuyền được kêu gọi vào nơi tránh trú.", [],
        "Số đăng ký tàu cá, thống kê")
    add(fam, "allow", "Năm 2025 toàn tỉnh cấp 98.412 thẻ căn cước, 1.205.377 tài khoản định danh điện tử mức độ 2 "
        "đã được kích hoạt.", [], "Thống kê về CCCD; 'tài khoản định danh' + số lượng không phải số tài khoản ngân hàng")


def family_plain_admin():
    fam = "allow-plain-admin"
    so = "%d/TB-UBND" % R.randint(100, 999)
    head = state_header("UBND TỈNH HÒA LÂM", "", so, "Hòa Lâm", vn_date(year=2025), "tab")
    text = head + ("\n\nTHÔNG BÁO\nLịch nghỉ Tết Nguyên đán Bính Ngọ năm 2026 đối với cán bộ, công chức, viên chức\n"
                   "Cán bộ, công chức, viên chức được nghỉ Tết từ thứ Bảy ngày 14/02/2026 đến hết Chủ nhật ngày "
                   "22/02/2026. Các cơ quan bố trí trực Tết theo quy định.")
    add(fam, "allow", text, [],
        "Thông báo công khai có phần đầu văn bản nhà nước, không dấu mật/khẩn/lưu hành: số ký hiệu chỉ là ngữ cảnh")
    so = "%d/GM-SVHTT" % R.randint(100, 999)
    head = state_header("UBND TỈNH AN THỊNH", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", so, "An Thịnh",
                        vn_date(year=2025), "right_first")
    text = head + ("\n\nGIẤY MỜI\nDự Lễ khai mạc Tuần Văn hóa - Du lịch tỉnh năm 2025\n"
                   "Thời gian: 19 giờ 30, thứ Bảy ngày 22/11/2025\nĐịa điểm: Quảng trường Trung tâm tỉnh")
    add(fam, "allow", text, [], "Giấy mời công khai (số ký hiệu nhà nước, không có yếu tố cần cảnh báo)")
    text = ("Số ký hiệu: %d/QĐ-UBND\nNgày ban hành: 02/06/2025\nTrích yếu: Quyết định công bố danh mục thủ tục hành chính "
            "lĩnh vực hộ tịch\nĐộ mật: Thường\nĐộ khẩn: Thường\nNơi nhận: Các sở, ngành; UBND cấp huyện" % R.randint(1000, 2999))
    add(fam, "allow", text, [], "Trường 'Độ mật: Thường' không phải mức mật (ca khó)")
    text = ("THÔNG CÁO BÁO CHÍ\nKết quả Kỳ họp thứ 21 HĐND tỉnh khóa XVII\nKỳ họp đã thông qua 18 nghị quyết, trong đó có "
            "Nghị quyết về chính sách hỗ trợ chuyển đổi số cấp xã giai đoạn 2026 - 2030 với tổng kinh phí 215 tỷ đồng.")
    add(fam, "allow", text, [], "Thông cáo báo chí công khai")


def family_mixed():
    """Several findings in one text: the expected verdict is the strictest one."""
    fam = "mixed"
    # block: Party letter header + MẬT stamp
    num = "%d-BC/TU" % R.randint(100, 400)
    text = ("ĐẢNG BỘ TỈNH BẮC HƯNG\nTỈNH ỦY\n*\nSố %s\nMẬT\nĐẢNG CỘNG SẢN VIỆT NAM\n%s\n\nBÁO CÁO\n"
            "Tình hình tư tưởng cán bộ, đảng viên trước yêu cầu sắp xếp tổ chức bộ máy\n\n"
            "1. Một bộ phận cán bộ thuộc diện dôi dư có tâm lý hoang mang, 14 trường hợp xin nghỉ hưu trước tuổi.\n"
            "2. Xuất hiện một số bài viết trên mạng xã hội xuyên tạc chủ trương sáp nhập.\n\nT/M BAN THƯỜNG VỤ\n"
            "PHÓ BÍ THƯ THƯỜNG TRỰC\n%s" % (num, admin_date("Bắc Hưng", vn_date(year=2025)), person(min_age=45)["name"]))
    add(fam, "block", text, [("secret_marking", "MẬT"), ("party_doc_number", num)],
        "Văn bản Đảng có dấu MẬT: block thắng warn của phần đầu văn bản Đảng")
    # block: KHẨN (10b) + TỐI MẬT (10a)
    so = "%d/CAT-PA03" % R.randint(100, 999)
    head = state_header("CÔNG AN TỈNH HÒA LÂM", "", so, "Hòa Lâm", vn_date(year=2025), "left_first",
                        box10=["TỐI MẬT", "KHẨN"], summary="V/v xác minh nguồn gốc tài liệu bị phát tán")
    text = head + ("\n\nKính gửi: Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao\n\n"
                   "Đề nghị khẩn trương xác minh tài khoản mạng xã hội đã đăng tải hình ảnh văn bản của UBND tỉnh, "
                   "báo cáo kết quả trước 17 giờ ngày mai.")
    add(fam, "block", text, [("secret_marking", "TỐI MẬT"), ("urgency_mark", "KHẨN"), ("state_doc_number", so)],
        "Dấu độ mật và dấu độ khẩn cùng lúc: block")
    # block: internal bulletin with a contact list of 3+ people
    rows, labs = [], []
    for q in distinct_people(3):
        ph = fmt_phone(gen_phone(), "dot")
        rows.append("- %s %s: %s" % (q["anh"].capitalize(), q["name"], ph))
        labs.append(("phone", ph))
    region = "\n".join(rows)
    text = ("BẢN TIN CÔNG ĐOÀN CƠ QUAN\nLƯU HÀNH NỘI BỘ\n\nBan Chấp hành Công đoàn nhiệm kỳ mới, số điện thoại liên hệ:\n"
            + region + "\nMọi ý kiến đóng góp xin gửi về Ban Chấp hành.")
    add(fam, "block", text, [("bulk_personal", region)] + labs + [("circulation_mark", "LƯU HÀNH NỘI BỘ")],
        "Lưu hành nội bộ (warn) + danh bạ 3 người (block)")
    # block: traffic violation minutes with plate + CCCD
    p = person(female=False, min_age=25, max_age=55)
    c = gen_cccd(p["dob"][0], p["female"])
    plate = gen_plate("bike")
    text = ("BIÊN BẢN VI PHẠM HÀNH CHÍNH (trích)\nNgười vi phạm: %s, CCCD số %s\nPhương tiện: xe mô tô biển số %s\n"
            "Hành vi: điều khiển xe không đội mũ bảo hiểm." % (p["name"], c, plate))
    add(fam, "block", text, [("cccd", c), ("license_plate", plate)], "Biển số (warn) + CCCD (block)")
    # block: training text (allow-like) with a real-looking password pasted in
    pw = "Tap" + rand_alnum(4) + "huan@" + rand_alnum(2, "0123456789")
    v = "mật khẩu: %s" % pw
    text = ("Tài liệu tập huấn: không đưa tài liệu đóng dấu TỐI MẬT lên AI công cộng; hãy đổi mật khẩu định kỳ.\n"
            "Tài khoản dùng chung cho học viên làm bài thực hành: hocvien01, %s" % v)
    add(fam, "block", text, [("credential", v)],
        "Văn bản tập huấn (thảo luận, allow) nhưng có mật khẩu thật viết ra: block")
    # warn: LƯU HÀNH NỘI BỘ + HỎA TỐC
    so = "%d/VP-TH" % R.randint(100, 999)
    text = ("VĂN PHÒNG UBND TỈNH AN THỊNH\nSố: %s\nHỎA TỐC\nLƯU HÀNH NỘI BỘ\n\nLỊCH TIẾP CÔNG DÂN ĐỊNH KỲ CỦA CHỦ TỊCH UBND TỈNH\n"
            "Thời gian: sáng thứ Năm, ngày 20/11/2025, tại Trụ sở Tiếp công dân tỉnh." % so)
    add(fam, "warn", text, [("urgency_mark", "HỎA TỐC"), ("circulation_mark", "LƯU HÀNH NỘI BỘ"),
                            ("state_doc_number", so)], "Hai dấu mức warn, không có dấu mật")
    # warn: company MST + one contact e-mail
    v = gen_mst()
    p = person()
    em = gen_email(p)
    text = ("Công ty TNHH Giải pháp Phần mềm Lạc Việt Xanh (MST %s) xin gửi báo giá dịch vụ số hóa hồ sơ lưu trữ. "
            "Mọi trao đổi xin liên hệ %s %s qua email %s." % (v, p["anh"], p["name"], em))
    add(fam, "warn", text, [("mst", v), ("email", em)], "MST doanh nghiệp + 1 email: warn")
    # warn: accident report with plate + one phone
    plate = gen_plate("car")
    ph = fmt_phone(gen_phone(), "433")
    text = ("Báo cáo nhanh: khoảng 7h15 sáng nay, xe ô tô %s của cơ quan va chạm nhẹ với xe máy tại ngã tư Lê Lợi; "
            "không có thương vong. Lái xe trực: %s." % (plate, ph))
    add(fam, "warn", text, [("license_plate", plate), ("phone", ph)], "Biển số + 1 SĐT: warn")
    # warn: Party header + KHẨN
    num = "%d-CV/VPTU" % R.randint(100, 900)
    text = ("TỈNH ỦY HÒA LÂM\tĐẢNG CỘNG SẢN VIỆT NAM\nVĂN PHÒNG\n*\nSố %s\t%s\nV/v đăng ký lịch làm việc với Thường trực "
            "Tỉnh ủy\nKHẨN\n\nKính gửi: Các đảng ủy trực thuộc\n\nĐề nghị các đơn vị đăng ký nội dung làm việc trước 16 giờ "
            "thứ Sáu." % (num, admin_date("Hòa Lâm", vn_date(year=2025))))
    add(fam, "warn", text, [("urgency_mark", "KHẨN"), ("party_doc_number", num)], "Văn bản Đảng + dấu KHẨN: warn")
    # warn: news article quoting stamps (allow) + the reporter's phone (warn)
    p = person()
    ph = fmt_phone(gen_phone(), "dot")
    text = ("Hội thảo \"Bảo vệ bí mật nhà nước trong kỷ nguyên AI\" khuyến cáo cán bộ không đưa tài liệu tối mật, "
            "tuyệt mật lên các nền tảng công cộng. Bạn đọc cần thêm thông tin xin liên hệ phóng viên %s, %s."
            % (p["name"], ph))
    add(fam, "warn", text, [("phone", ph)], "Tin tức thảo luận về dấu mật (allow) + 1 SĐT phóng viên: warn")
    # allow: mixes of look-alikes
    text = ("Thông báo tuyển dụng: Trung tâm Phục vụ hành chính công tuyển 05 viên chức. Hồ sơ nộp trực tiếp tại trụ sở; "
            "thắc mắc gọi tổng đài 1900 6868. Lưu ý: ứng viên không gửi bản chụp CCCD, sổ BHXH qua mạng xã hội để bảo mật "
            "thông tin cá nhân.")
    add(fam, "allow", text, [], "Tổng đài 1900, từ khóa CCCD/BHXH/bảo mật nhưng không có số định danh")


def family_more_allow():
    fam = "allow-training"
    T = [
        ("Cấu trúc số CCCD gồm 12 chữ số: 3 chữ số đầu là mã tỉnh nơi đăng ký khai sinh, 1 chữ số giới tính/thế kỷ, "
         "2 chữ số năm sinh, 6 chữ số ngẫu nhiên. Ví dụ định dạng: 001xxxxxxxxx (x là chữ số bất kỳ).",
         "Tài liệu giải thích cấu trúc CCCD, chỉ có khuôn mẫu 'x'"),
        ("Một chuỗi VietQR bắt đầu bằng 000201, tiếp theo là trường 01 (11: mã tĩnh, 12: mã động), trường 38 chứa GUID "
         "A000000727 của NAPAS, mã BIN ngân hàng và số tài khoản; trường 63 là CRC16.",
         "Giải thích cấu trúc VietQR, không có payload"),
        ("Bài viết: \"Mật khẩu mạnh không cần phức tạp\" - chuyên gia khuyên dùng cụm từ dài, dễ nhớ, kết hợp trình "
         "quản lý mật khẩu và xác thực đa yếu tố; tuyệt đối không chia sẻ mật khẩu qua tin nhắn.",
         "Bài báo về mật khẩu, không có giá trị mật khẩu"),
        ("Đề thi trắc nghiệm an toàn thông tin - Câu 8: Hành vi nào vi phạm quy định?\nA. Dán báo cáo có dấu \"MẬT\" vào "
         "ChatGPT để tóm tắt\nB. Dùng trợ lý AI nội bộ đã được phê duyệt\nC. Hỏi AI về quy định công khai\nĐáp án: A",
         "Câu hỏi trắc nghiệm nhắc dấu MẬT trong ngoặc kép"),
        ("Dự báo thời tiết: đêm nay và ngày mai, khu vực phía Bắc có mưa rào và dông rải rác, nhiệt độ thấp nhất 18-20 "
         "độ C; lượng mưa phổ biến 20-40 mm, có nơi trên 80 mm.", "Bản tin thời tiết, chỉ có số đo"),
        ("Hướng dẫn sử dụng hộp thư công vụ: khi quên mật khẩu, vào mục \"Quên mật khẩu\" và làm theo hướng dẫn; Phòng "
         "CNTT không bao giờ yêu cầu cán bộ cung cấp mật khẩu qua điện thoại.", "Hướng dẫn, 'mật khẩu' không có giá trị"),
        ("Theo Nghị định 13/2023/NĐ-CP, dữ liệu về tình trạng sức khỏe, tôn giáo, tiền án, vị trí của cá nhân là dữ "
         "liệu nhạy cảm; cơ quan cần có biện pháp bảo vệ tăng cường khi xử lý.",
         "Nêu các loại dữ liệu nhạy cảm nhưng không gắn với người cụ thể"),
        ("Chị em mình tối nay đi ăn lẩu nhé, quán cũ gần cơ quan, nhớ mang áo mưa vì trời sắp mưa to. Ai đến muộn thì "
         "nhắn nhóm trước.", "Tin nhắn đời thường"),
    ]
    for t, n in T:
        add(fam, "allow", t, [], n)


# --------------------------------------------------------------------------------------------

def build():
    family_marking_header()
    family_marking_position()
    family_handling()
    family_marking_obfuscated()
    family_cccd()
    family_cmnd()
    family_passport()
    family_bhxh_bhyt()
    family_mst_personal()
    family_bank()
    family_card()
    family_iban()
    family_vietqr()
    family_sensitive()
    family_bulk()
    family_credentials()
    family_phone()
    family_email()
    family_signature()
    family_mst_business()
    family_plate()
    family_circulation()
    family_urgency()
    family_party_header()
    family_discussion()
    family_mat_words()
    family_toi_mat()
    family_thu_hoi()
    family_published_numbers()
    family_lookalike()
    family_plain_admin()
    family_more_allow()
    family_mixed()
    return ITEMS


def validate(items):
    ids = set()
    errors = []
    for it in items:
        if it["id"] in ids:
            errors.append("duplicate id " + it["id"])
        ids.add(it["id"])
        if it["expect"] not in ("allow", "warn", "block"):
            errors.append("%s: bad expect" % it["id"])
        if it["expect"] == "allow" and it["labels"]:
            errors.append("%s: allow item with labels" % it["id"])
        if it["expect"] != "allow" and not it["labels"]:
            errors.append("%s: no labels" % it["id"])
        for lab in it["labels"]:
            t, v = lab["type"], lab["value"]
            if t not in LABEL_TYPES:
                errors.append("%s: unknown type %s" % (it["id"], t))
            if not v or v not in it["text"]:
                errors.append("%s: label %s value not in text: %r" % (it["id"], t, v))
            flat = "".join(c for c in unicodedata.normalize("NFKC", v) if c.isalnum())
            if t == "cccd" and not cccd_valid(v):
                errors.append("%s: invalid cccd %r" % (it["id"], v))
            if t == "mst" and not mst_valid(unicodedata.normalize("NFKC", v)):
                errors.append("%s: invalid mst %r" % (it["id"], v))
            if t == "credit_card" and not luhn_ok(flat):
                errors.append("%s: luhn fails %r" % (it["id"], v))
            if t == "iban" and not iban_valid(v):
                errors.append("%s: iban fails %r" % (it["id"], v))
            if t == "vietqr" and not vietqr_valid(v):
                errors.append("%s: vietqr crc fails %r" % (it["id"], v))
            if t == "phone":
                d = "".join(c for c in v if c.isdigit())
                d = "0" + d[2:] if d.startswith("84") else d
                if len(d) != 10 or d[1:3] not in MOBILE_PREFIXES:
                    errors.append("%s: bad phone %r" % (it["id"], v))
            if t == "bhyt" and not (len(v) == 15 and v[:2].isalpha() and v[2:].isdigit()):
                errors.append("%s: bad bhyt %r" % (it["id"], v))
            if t in ("bhxh",) and not (len(v) == 10 and v.isdigit()):
                errors.append("%s: bad bhxh %r" % (it["id"], v))
            if t == "cmnd" and not (len(v) == 9 and v.isdigit()):
                errors.append("%s: bad cmnd %r" % (it["id"], v))
            if t == "passport" and not (len(v) == 8 and v[0].isalpha() and v[1:].isdigit()):
                errors.append("%s: bad passport %r" % (it["id"], v))
    return errors


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "documents.jsonl")
    items = build()
    errs = validate(items)
    if errs:
        for e in errs:
            print("ERROR:", e, file=sys.stderr)
        sys.exit(1)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    if "--check" in sys.argv:
        with open(out, encoding="utf-8") as f:
            again = [json.loads(line) for line in f]
        assert again == items
        errs = validate(again)
        assert not errs, errs
    counts = {}
    for it in items:
        counts[it["expect"]] = counts.get(it["expect"], 0) + 1
    print("wrote %d items to %s: %s" % (len(items), out, counts))


if __name__ == "__main__":
    main()
