#!/usr/bin/env python3
"""Generate the held-out DLP test set (heldout.jsonl) for the Vietnamese public-sector engine.

Written from ../shared/domain/VIETNAM.md and ACTION_POLICY.md only, without looking at the
engine's rules or corpus. Python 3 stdlib only, fixed seed, deterministic output.

    python3 generate_heldout.py            # writes heldout.jsonl next to this file
    python3 generate_heldout.py --check    # regenerate in memory and compare with the file

Every identifier is synthetic: check digits (MST, Luhn, IBAN, VietQR CRC) are computed here,
CCCD numbers follow the province / century / birth-year structure, names and organisations are
invented, e-mail domains are example.*.
"""
import json
import os
import random
import re
import sys
import unicodedata

SEED = 20250611
R = random.Random(SEED)
REF_YEAR = 2026  # "now" for birth-year plausibility (future years used below are >= 2030)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "heldout.jsonl")

TYPES = {
    "secret_marking", "secret_handling_mark", "circulation_mark", "urgency_mark",
    "party_doc_number", "state_doc_number", "cccd", "cmnd", "mst", "bhxh", "bhyt", "passport",
    "phone", "email", "bank_account", "credit_card", "iban", "vietqr", "license_plate",
    "sensitive_personal", "credential", "bulk_personal",
}

# 63 province codes of the CCCD (before the 2025 mergers).
PROVINCES = [1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34,
             35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67,
             68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96]
assert len(PROVINCES) == 63

MOBILE_PREFIXES = ["32", "33", "34", "35", "36", "37", "38", "39", "52", "55", "56", "58", "59",
                   "70", "76", "77", "78", "79", "81", "82", "83", "84", "85", "86", "87", "88",
                   "89", "90", "91", "92", "93", "94", "96", "97", "98", "99"]


# --------------------------------------------------------------------------- validators/makers

def digits(s):
    s = unicodedata.normalize("NFKC", s)
    return "".join(c for c in s if c.isdigit())


def cccd_ok(d):
    if len(d) != 12 or not d.isdigit():
        return False
    prov, cs, yy = int(d[:3]), int(d[3]), int(d[4:6])
    if prov not in PROVINCES:
        return False
    year = 1900 + 100 * (cs // 2) + yy
    return year <= REF_YEAR and REF_YEAR - year <= 120


def make_cccd(prov, cs, yy, tail=None):
    tail = tail if tail is not None else "%06d" % R.randrange(10 ** 6)
    s = "%03d%d%02d%s" % (prov, cs, yy, tail)
    return s


MST_W = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def mst_check(d9):
    c = 10 - sum(w * int(x) for w, x in zip(MST_W, d9)) % 11
    return None if c >= 10 else str(c)


def mst_ok(s):
    d = s.replace(".", "").replace(" ", "")
    base = d[:10]
    if not re.fullmatch(r"\d{10}(-?\d{3})?", d) or base[:2] == "00":
        return False
    return mst_check(base[:9]) == base[9]


def make_mst(prefix):
    """10-digit tax code starting with prefix, random fill, valid check digit."""
    while True:
        d9 = prefix + "".join(str(R.randrange(10)) for _ in range(9 - len(prefix)))
        c = mst_check(d9)
        if c is not None:
            return d9 + c


def wrong_mst(prefix):
    m = make_mst(prefix)
    return m[:9] + str((int(m[9]) + 3) % 10)


def luhn_ok(s):
    d = [int(c) for c in s][::-1]
    tot = 0
    for i, x in enumerate(d):
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        tot += x
    return tot % 10 == 0


def luhn_complete(prefix, length):
    body = prefix + "".join(str(R.randrange(10)) for _ in range(length - 1 - len(prefix)))
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c


def luhn_break(num):
    return num[:-1] + str((int(num[-1]) + 1) % 10)


def iban_ok(s):
    s = s.replace(" ", "")
    r = s[4:] + s[:4]
    n = "".join(str(int(c, 36)) for c in r)
    return int(n) % 97 == 1


def make_iban(cc, bban):
    n = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return cc + "%02d" % (98 - int(n) % 97) + bban


def group(s, n=4, sep=" "):
    return sep.join(s[i:i + n] for i in range(0, len(s), n))


def crc16_ccitt(data):
    crc = 0xFFFF
    for b in data.encode("ascii"):
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def tlv(tag, val):
    return "%s%02d%s" % (tag, len(val), val)


def vietqr(bin_, acct, amount=None, info=None, dynamic=False):
    merchant = tlv("00", "A000000727") + tlv("01", tlv("00", bin_) + tlv("01", acct)) + tlv("02", "QRIBFTTA")
    s = tlv("00", "01") + tlv("01", "12" if dynamic else "11") + tlv("38", merchant) + tlv("53", "704")
    if amount:
        s += tlv("54", amount)
    s += tlv("58", "VN")
    if info:
        s += tlv("62", tlv("08", info))
    s += "6304"
    return s + "%04X" % crc16_ccitt(s)


def vietqr_ok(p):
    return p[-8:-4] == "6304" and "%04X" % crc16_ccitt(p[:-4]) == p[-4:]


def mobile(prefix=None):
    p = prefix or R.choice(MOBILE_PREFIXES)
    return "0" + p + "".join(str(R.randrange(10)) for _ in range(7))


def mobile_ok(d):
    if d.startswith("84"):
        d = "0" + d[2:]
    return len(d) == 10 and d[0] == "0" and d[1:3] in MOBILE_PREFIXES


def fw_digits(s):
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in s)


def fullwidth(s):
    out = []
    for c in s:
        if "A" <= c <= "Z" or "a" <= c <= "z" or "0" <= c <= "9":
            out.append(chr(ord(c) + 0xFEE0))
        elif c == " ":
            out.append("\u3000")
        else:
            out.append(c)
    return "".join(out)


CYR = {"T": "\u0422", "M": "\u041c", "I": "\u0406", "A": "\u0410", "O": "\u041e", "E": "\u0415",
       "H": "\u041d", "C": "\u0421", "K": "\u041a", "P": "\u0420", "B": "\u0412"}
GRK = {"T": "\u03a4", "M": "\u039c", "Y": "\u03a5", "I": "\u0399", "A": "\u0391", "O": "\u039f",
       "E": "\u0395", "H": "\u0397", "K": "\u039a"}


def lookalike(s, table):
    return "".join(table.get(c, c) for c in s)


def nfd(s):
    return unicodedata.normalize("NFD", s)


def interleave(s, ch):
    """Put ch between the letters of each word (not around spaces)."""
    return " ".join(ch.join(w) for w in s.split(" "))


def spaced(s, sep=" ", wsep="   "):
    return wsep.join(sep.join(w) for w in s.split(" "))


def rand_alnum(n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"):
    return "".join(R.choice(alphabet) for _ in range(n))


# --------------------------------------------------------------------------- item collection

ITEMS = []
COUNTERS = {}


def add(family, text, expect, labels, note):
    assert expect in ("allow", "warn", "block"), expect
    COUNTERS[family] = COUNTERS.get(family, 0) + 1
    iid = "ho-%s-%03d" % (family, COUNTERS[family])
    lab = []
    for t, v in labels:
        assert t in TYPES, (iid, t)
        assert v and v in text, (iid, t, v)
        lab.append({"type": t, "value": v})
    ITEMS.append({"id": iid, "text": text, "expect": expect, "labels": lab, "note": note})


# Reusable invented headers -------------------------------------------------------------------

def state_head(org1, org2, so, place, date, vv=None, gap="        ", right_gap="            "):
    lines = [
        org1 + gap + "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        org2 + right_gap + "Độc lập - Tự do - Hạnh phúc",
        "     -------" + right_gap + "       ---------------------",
        "Số: " + so + right_gap + place + ", ngày " + date,
    ]
    if vv:
        lines.append(vv)
    return "\n".join(lines)


def party_head(org1, org2, so, place, date):
    return "\n".join([
        org1 + "                    ĐẢNG CỘNG SẢN VIỆT NAM",
        org2,
        "            *",
        "Số " + so + "                    " + place + ", ngày " + date,
    ])


# =========================================================================== STAMP (layouts)
F = "stamp"

h = state_head("UBND TỈNH LẠC HỒNG", "CÔNG AN HUYỆN VÂN SƠN", "45/BC-CAH", "Vân Sơn",
               "04 tháng 3 năm 2025")
add(F, h + "\n\n                 MẬT\n\nBÁO CÁO\nTình hình an ninh trật tự tháng 02/2025\n"
    "Thực hiện chỉ đạo của Giám đốc Công an tỉnh, Công an huyện báo cáo như sau:\n"
    "1. Tình hình chung: trên địa bàn phát sinh 03 vụ việc liên quan đến đối tượng hoạt động ...",
    "block", [("secret_marking", "MẬT"), ("state_doc_number", "45/BC-CAH")],
    "Decree 30 header rendered as text; MẬT alone on its own line in box 10a below the number block")

add(F, "SỞ NỘI VỤ TỈNH SƠN NGUYÊN\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "PHÒNG TỔ CHỨC BIÊN CHẾ\t\t\tĐộc lập - Tự do - Hạnh phúc\n"
    "Số: 215/SNV-TCBC\t\t\tSơn Nguyên, ngày 17 tháng 6 năm 2025\n"
    "V/v rà soát nhân sự dự nguồn\t\tTỐI MẬT\n\n"
    "Kính gửi: Các phòng, ban chuyên môn\n"
    "Để chuẩn bị nhân sự cho nhiệm kỳ tới, Sở đề nghị các đơn vị rà soát ...",
    "block", [("secret_marking", "TỐI MẬT"), ("state_doc_number", "215/SNV-TCBC")],
    "two-column header pasted with tabs: the stamp shares the V/v line but is separated by tabs (box 10a), still a marking")

add(F, "TUYỆT MẬT\n\nBỘ CHỈ HUY QUÂN SỰ TỈNH BẮC THẠCH      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Số: 08/KH-BCH                               Độc lập - Tự do - Hạnh phúc\n\n"
    "KẾ HOẠCH\nBảo vệ mục tiêu trọng điểm dịp lễ 30/4 - 01/5\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n...",
    "block", [("secret_marking", "TUYỆT MẬT"), ("state_doc_number", "08/KH-BCH")],
    "stamp at the very top of the page, above the header (seen in scanned/OCR'd originals)")

add(F, party_head("ĐẢNG BỘ TỈNH LẠC HỒNG", "HUYỆN ỦY VÂN SƠN", "15-BC/HU", "Vân Sơn",
                  "18 tháng 4 năm 2025") +
    "\n                 MẬT\n\nBÁO CÁO\nkết quả kiểm tra dấu hiệu vi phạm đối với tổ chức đảng và đảng viên\n"
    "Thực hiện Chương trình kiểm tra, giám sát năm 2025, Ủy ban Kiểm tra Huyện ủy báo cáo ...",
    "block", [("secret_marking", "MẬT"), ("party_doc_number", "15-BC/HU")],
    "Party document header (Số without colon) with the level stamp under the number")

add(F, "...đồng chí Trưởng Công an xã đã chỉ đạo lực lượng nắm tình hình.\n\n"
    "- 2 -\n                                        MẬT\n"
    "c) Về công tác nắm tình hình: phát hiện 02 nhóm đối tượng có biểu hiện tụ tập, "
    "kích động khiếu kiện đông người tại khu vực chợ Bến Lội ...",
    "block", [("secret_marking", "MẬT")],
    "page 2 of a report pasted across a page break: page number '- 2 -' then the page-header stamp")

add(F, "đề nghị bố trí lực lượng thường trực tại 03 chốt.\n"
    "Trang 3\t\t\t\t\t\tTỐI MẬT\n"
    "3. Phương án xử lý tình huống: khi có dấu hiệu tập trung đông người, lực lượng cơ động ...",
    "block", [("secret_marking", "TỐI MẬT")],
    "page header 'Trang 3' with the stamp on the same line after tabs")

add(F, "**TỐI MẬT**\n\n**BÁO CÁO**\n\n**Kết quả xác minh tài sản, thu nhập năm 2024**\n\n"
    "Tổ xác minh đã tiến hành làm việc với 04 cán bộ thuộc diện kê khai ...",
    "block", [("secret_marking", "TỐI MẬT")],
    "markdown pasted from Word: bold stamp on its own line")

add(F, "# MẬT\n\n## TỜ TRÌNH\n### Về việc điều chỉnh phương án bảo vệ kho K3\n\n"
    "Căn cứ tình hình thực tế, Ban Chỉ huy đề nghị điều chỉnh ca trực ...",
    "block", [("secret_marking", "MẬT")],
    "markdown heading '# MẬT' (Word heading style exported to markdown)")

add(F, "Sổ đăng ký văn bản đến - tháng 5/2025\n\n"
    "| STT | Số, ký hiệu | Ngày | Trích yếu | Độ mật | Độ khẩn |\n"
    "|---|---|---|---|---|---|\n"
    "| 1 | 112/CAT-PV01 | 05/5/2025 | Về việc tăng cường công tác nắm tình hình | Tối mật | Khẩn |\n"
    "| 2 | 87/UBND-NC | 06/5/2025 | Về việc phối hợp tổ chức diễn tập | Thường | Thường |\n",
    "block", [("secret_marking", "Tối mật"), ("urgency_mark", "Khẩn"),
              ("state_doc_number", "112/CAT-PV01")],
    "register table with | separators: 'Tối mật' is the value of the Độ mật column (metadata field), not discussion")

add(F, "Thông tin văn bản\nSố ký hiệu: 37/TB-VPUB\nNgày ban hành: 12/08/2025\n"
    "Cơ quan ban hành: Văn phòng UBND tỉnh Sơn Nguyên\nĐộ mật: Mật\nĐộ khẩn: Khẩn\n"
    "Trích yếu: Thông báo kết luận của Chủ tịch UBND tỉnh tại cuộc họp về công tác cán bộ\n"
    "Tệp đính kèm: 37-TB-VPUB.pdf",
    "block", [("secret_marking", "Độ mật: Mật"), ("urgency_mark", "Độ khẩn: Khẩn"),
              ("state_doc_number", "37/TB-VPUB")],
    "e-office metadata block copied from the document details pane")

add(F, '{"soKyHieu": "19/KH-UBND", "ngayBanHanh": "2025-09-02", "doMat": "Tối mật", '
    '"doKhan": "Thường", "trichYeu": "Kế hoạch bảo đảm an ninh hội nghị"}',
    "block", [("secret_marking", "Tối mật"), ("state_doc_number", "19/KH-UBND")],
    "JSON export from an e-office API; doMat is the Độ mật metadata field (judgement: metadata field in machine form is still a marking)")

add(F, "Kính gửi: Đồng chí Hoàng Minh Khải - Phó Bí thư Thường trực Tỉnh ủy\n"
    "(Số 12, đường Trần Khát Chân, phường Đông Thành)\n\n"
    "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ",
    "block", [("secret_handling_mark", "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ")],
    "envelope text: handling stamp that exists only for secret material")

add(F, "TÀI LIỆU THU HỒI\n\nDỰ THẢO BÁO CÁO CHÍNH TRỊ\ncủa Ban Chấp hành Đảng bộ huyện khóa XIV "
    "trình Đại hội đại biểu lần thứ XV\n(Tài liệu phục vụ Hội nghị Ban Chấp hành mở rộng)",
    "block", [("secret_handling_mark", "TÀI LIỆU THU HỒI")],
    "recall stamp in marking position on a conference draft")

add(F, "BẢN SAO SỐ 02\n\nTỐI MẬT\n\nQUYẾT ĐỊNH\nVề việc phê duyệt danh mục mục tiêu bảo vệ\n...",
    "block", [("secret_handling_mark", "BẢN SAO SỐ 02"), ("secret_marking", "TỐI MẬT")],
    "copy number + level stamp on a copy of a secret decision")

add(F, "BẢN SAO SỐ: 03/05\nSao từ bản chính số 24/QĐ-BCH ngày 10/7/2025\n\n"
    "Điều 1. Phê duyệt phương án ...",
    "block", [("secret_handling_mark", "BẢN SAO SỐ: 03/05")],
    "copy-number stamp alone (no level stamp pasted): the mark exists only for secret copies")

add(F, "        +-----------+\n        |    MẬT    |\n        +-----------+\n"
    "KẾ HOẠCH\nTổ chức lực lượng tuần tra đêm tại các xã biên giới",
    "block", [("secret_marking", "MẬT")],
    "stamp drawn as an ASCII box (text box from Word rendered by a converter)")

add(F, "[ TỐI MẬT ]\nBIÊN BẢN\nHọp Ban Thường vụ ngày 09/10/2025\nThành phần: ...",
    "block", [("secret_marking", "TỐI MẬT")],
    "stamp rendered with brackets from a text box")

add(F, state_head("BỘ CHỈ HUY BĐBP TỈNH", "ĐỒN BIÊN PHÒNG NẬM CÁT", "31/BC-ĐBP", "Nậm Cát",
                  "21 tháng 11 năm 2025", "V/v tình hình vượt biên trái phép") +
    "\n          HỎA TỐC\n          TỐI MẬT\n\nKính gửi: Bộ Chỉ huy ...",
    "block", [("urgency_mark", "HỎA TỐC"), ("secret_marking", "TỐI MẬT"),
              ("state_doc_number", "31/BC-ĐBP")],
    "urgency stamp (10b) and level stamp (10a) stacked: strictest wins -> block")

add(F, "Nơi nhận:\n- Như trên;\n- Thường trực Huyện ủy (b/c);\n- Lưu: VT, CAH.\n"
    "\t\t\t\t\tKT. TRƯỞNG CÔNG AN\n\t\t\t\t\tPHÓ TRƯỞNG CÔNG AN\n\n\t\t\t\t\tĐinh Quốc Vượng\n\n"
    "                                   MẬT",
    "block", [("secret_marking", "MẬT")],
    "last lines of a document: page-footer stamp after the signature block")

add(F, "UBND TỈNH SƠN NGUYÊN\nBAN CHỈ ĐẠO 35\n\nTối Mật\n\nTHÔNG BÁO\n"
    "Kết luận của Trưởng Ban Chỉ đạo tại phiên họp quý III/2025",
    "block", [("secret_marking", "Tối Mật")],
    "title-case stamp (Word 'Capitalize Each Word') on its own line in the header")

add(F, "---------- Forwarded message ---------\nTừ: Văn thư Sở <vanthu@example.gov.vn>\n"
    "Ngày: Thứ Ba, 14 thg 10, 2025\nTiêu đề: Chuyển văn bản số 88/CV-SNV\n\n"
    "Độ mật: Mật\nĐộ khẩn: Thường\n\nĐề nghị các đồng chí nghiên cứu văn bản đính kèm.",
    "block", [("secret_marking", "Độ mật: Mật"), ("email", "vanthu@example.gov.vn"),
              ("state_doc_number", "88/CV-SNV")],
    "forwarded e-mail carrying e-office metadata; one e-mail address (warn) is dominated by the marking")

add(F, "                                                  MẬT\n"
    "ỦY BAN KIỂM TRA\nĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH\n\nSố 21-TB/UBKT\t\t\t\tĐẢNG CỘNG SẢN VIỆT NAM\n"
    "THÔNG BÁO\nKết quả kiểm tra khi có dấu hiệu vi phạm",
    "block", [("secret_marking", "MẬT"), ("party_doc_number", "21-TB/UBKT")],
    "right-aligned stamp (many leading spaces) above a Party header")

add(F, "Trang 1/4\n\nBỘ ĐỘI BIÊN PHÒNG\nĐỒN CỬA KHẨU QUỐC TẾ TÂY MÃ\n\nTUYỆT MẬT\n\n"
    "PHƯƠNG ÁN\nPhối hợp kiểm soát xuất nhập cảnh dịp Tết Bính Ngọ",
    "block", [("secret_marking", "TUYỆT MẬT")],
    "page counter 'Trang 1/4' then header and top-secret stamp")

# =========================================================================== OBF (obfuscated)
F = "obf"
HDR = "UBND HUYỆN VÂN SƠN\nPHÒNG NỘI VỤ\nSố: 66/BC-PNV\n"

add(F, HDR + "\nTOI MAT\n\nBAO CAO\nDanh gia can bo dien ban thuong vu quan ly",
    "block", [("secret_marking", "TOI MAT"), ("state_doc_number", "66/BC-PNV")],
    "stamp without diacritics on its own line in the header (text retyped on a phone)")

add(F, "ubnd xa tan hoa dong\nso: 12/bc-ubnd\n\ntoi mat\n\nbao cao tinh hinh khieu kien dong nguoi",
    "block", [("secret_marking", "toi mat")],
    "whole pasted header lower-cased and unaccented; 'toi mat' sits in marking position, not in chat")

s = nfd("TỐI MẬT")
add(F, HDR + "\n" + s + "\n\nBÁO CÁO\nKết quả đánh giá cán bộ diện quy hoạch",
    "block", [("secret_marking", s)],
    "stamp in NFD (decomposed combining marks) - text copied from a macOS PDF viewer")

t = nfd("TUYỆT MẬT\n\nKẾ HOẠCH\nBảo vệ an ninh nội bộ năm 2026\nI. Mục đích")
add(F, t, "block", [("secret_marking", nfd("TUYỆT MẬT"))],
    "entire paste in NFD, top-secret stamp first line")

s = interleave("TỐI MẬT", "\u200b")
add(F, HDR + "\n" + s + "\n\nTỜ TRÌNH\nVề việc bổ nhiệm lại cán bộ",
    "block", [("secret_marking", s)], "U+200B zero-width spaces between every letter of the stamp")

s = "MẬ\u200cT"
add(F, "SỞ Y TẾ TỈNH LẠC HỒNG\nSố: 09/BC-SYT\n\n" + s + "\n\nBÁO CÁO\nTình hình dịch bệnh tại trại giam K2",
    "block", [("secret_marking", s)], "U+200C ZWNJ inside MẬT")

s = "TUY\u2060ỆT M\u2060ẬT"
add(F, s + "\nKẾ HOẠCH\nDi chuyển hồ sơ lưu trữ đặc biệt",
    "block", [("secret_marking", s)], "U+2060 word joiner inside the top-secret stamp")

s = "TỐI MẬ\u00adT"
add(F, HDR + "\n" + s + "\n\nBIÊN BẢN\nHọp xét kỷ luật",
    "block", [("secret_marking", s)], "soft hyphen U+00AD inside the stamp (Word optional hyphen)")

s = spaced("TỐI MẬT")
add(F, HDR + "\n          " + s + "\n\nBÁO CÁO\nTiến độ dự án trụ sở",
    "block", [("secret_marking", s)], "letter-spaced stamp 'T Ố I   M Ậ T'")

s = spaced("TỐI MẬT", "\u00a0", "\u00a0\u00a0")
add(F, "CÔNG AN TỈNH SƠN NGUYÊN\nPHÒNG AN NINH NỘI BỘ\n\n" + s + "\n\nKẾ HOẠCH XÁC MINH",
    "block", [("secret_marking", s)], "letter-spaced with no-break spaces U+00A0")

s = spaced("MẬT")
add(F, "- 5 -\n                                    " + s + "\nd) Về đối tượng cầm đầu: ...",
    "block", [("secret_marking", s)], "spaced 'M Ậ T' as a page-header stamp after '- 5 -'")

s = "ＭẬＴ"
add(F, "BAN TỔ CHỨC HUYỆN ỦY\nSố 77-CV/BTCHU\n\n" + s + "\n\nV/v thẩm định tiêu chuẩn chính trị",
    "block", [("secret_marking", s), ("party_doc_number", "77-CV/BTCHU")],
    "full-width Latin M and T around a normal Ậ")

s = fullwidth("TOI MAT")
add(F, s + "\n\nBÁO CÁO NHANH\nVụ việc tại cửa khẩu phụ Lũng Pô",
    "block", [("secret_marking", s)], "full-width no-diacritics stamp with ideographic space U+3000")

s = fullwidth("TUY") + "Ệ" + fullwidth("T M") + "Ậ" + fullwidth("T")
add(F, "BỘ CHỈ HUY QUÂN SỰ HUYỆN\n" + s + "\n\nKẾ HOẠCH PHÒNG THỦ KHU VỰC",
    "block", [("secret_marking", s)], "full-width top-secret stamp, accented letters left normal")

s = lookalike("TỐI MẬT", CYR)
add(F, HDR + "\n" + s + "\n\nBÁO CÁO\nKết quả theo dõi đối tượng",
    "block", [("secret_marking", s)], "Cyrillic Т, І, М look-alikes inside TỐI MẬT")

s = lookalike("TUYỆT MẬT", GRK)
add(F, s + "\nPHƯƠNG ÁN\nBảo vệ đoàn công tác đặc biệt",
    "block", [("secret_marking", s)], "Greek Τ, Υ, Μ look-alikes in TUYỆT MẬT")

add(F, "ĐẢNG ỦY CÔNG AN TỈNH\nSố 40-BC/ĐU\n\nTUYỆT\r\nMẬT\r\n\r\nBÁO CÁO\r\nTình hình tư tưởng cán bộ",
    "block", [("secret_marking", "TUYỆT\r\nMẬT"), ("party_doc_number", "40-BC/ĐU")],
    "line break (CRLF) inside the stamp from a narrow text box")

s = "tỐi MậT"
add(F, HDR + "\n" + s + "\n\nBÁO CÁO VỤ VIỆC",
    "block", [("secret_marking", s)], "random mixed case stamp")

add(F, "So ky hieu: 52/BC-CAX\nNgay: 03/11/2025\nDo mat: Toi mat\nDo khan: Khan\nTrich yeu: Bao cao doi tuong",
    "block", [("secret_marking", "Do mat: Toi mat"), ("urgency_mark", "Do khan: Khan"),
              ("state_doc_number", "52/BC-CAX")],
    "e-office metadata typed without diacritics")

add(F, "ĐỘ MẬT: TUYỆT MẬT\nĐỘ KHẨN: HỎA TỐC\nSỐ KÝ HIỆU: 03/KH-BCĐ",
    "block", [("secret_marking", "ĐỘ MẬT: TUYỆT MẬT"), ("urgency_mark", "ĐỘ KHẨN: HỎA TỐC"),
              ("state_doc_number", "03/KH-BCĐ")],
    "upper-case metadata fields")

s = nfd(interleave("MẬT", "\u200b"))
add(F, "PHÒNG PA03\n" + s + "\nBÁO CÁO KẾT QUẢ XÁC MINH",
    "block", [("secret_marking", s)], "NFD combined with zero-width spaces")

s = "**" + spaced("TỐI MẬT", " ", "  ") + "**"
add(F, s + "\n\n**KẾ HOẠCH**\n\nTriển khai lực lượng bảo vệ hội nghị",
    "block", [("secret_marking", spaced("TỐI MẬT", " ", "  "))], "markdown bold + spaced letters")

add(F, "TAI LIEU THU HOI\n\nDU THAO NGHI QUYET DAI HOI\nDang bo xa Tan Hoa Dong nhiem ky 2025-2030",
    "block", [("secret_handling_mark", "TAI LIEU THU HOI")], "recall stamp without diacritics")

add(F, "Kinh gui: Dong chi Bi thu Huyen uy\n\nChi nguoi co ten moi duoc boc bi",
    "block", [("secret_handling_mark", "Chi nguoi co ten moi duoc boc bi")],
    "envelope handling mark unaccented, sentence case")

add(F, "UBND TÆNH SÔN NGUYEÂN\nSoá: 14/BC-UBND\n\nTOÁI MAÄT\n\nBAÙO CAÙO",
    "block", [("secret_marking", "TOÁI MAÄT")],
    "legacy VNI-encoded text shown in a Unicode font (TỐI MẬT -> 'TOÁI MAÄT'); judgement: VIETNAM.md lists legacy encodings, so treated as an obfuscated marking")

# =========================================================================== DISC (discussion -> allow)
F = "disc"

add(F, "Ngày 12/9, TAND tỉnh Sơn Nguyên mở phiên sơ thẩm xét xử một cựu chuyên viên "
    "45 tuổi của một sở về tội \"Cố ý làm lộ bí mật nhà nước\". Theo cáo trạng, bị cáo đã chụp 02 tài liệu độ "
    "Tối mật và 01 tài liệu độ Mật rồi gửi qua ứng dụng nhắn tin cho người ngoài.",
    "allow", [], "court news: level words inside running sentences are discussion (defendant deliberately unnamed so no criminal-record-of-a-named-person finding)")

add(F, "Cho tôi hỏi: văn bản Tối mật có được gửi qua Zalo không? Nếu cần chuyển gấp cho lãnh đạo "
    "đang đi công tác thì phải làm thế nào cho đúng quy định?",
    "allow", [], "cadre asking the AI about the rules")

add(F, "Câu 4. Theo Luật Bảo vệ bí mật nhà nước, bí mật nhà nước được phân loại theo mấy độ?\n"
    "A. Mật\nB. Tối mật, Mật\nC. Tuyệt mật, Tối mật, Mật\nD. Tuyệt mật, Tối mật, Mật, Khẩn\n"
    "Đáp án: C",
    "allow", [], "quiz with answer options on separate lines, each prefixed by A./B./C./D.")

add(F, "SLIDE 7 - DẤU CHỈ ĐỘ MẬT\n- Vị trí: ô số 10a, dưới số và ký hiệu văn bản\n"
    "- Mẫu dấu: \"TUYỆT MẬT\", \"TỐI MẬT\", \"MẬT\" (Mẫu 02 Thông tư 24/2020/TT-BCA)\n"
    "- Mực dấu màu đỏ tươi",
    "allow", [], "training slide quoting the stamps inside bullet sentences")

add(F, "Điều 8. Phân loại bí mật nhà nước\nCăn cứ vào tính chất quan trọng của nội dung thông tin, mức độ "
    "nguy hại nếu bị lộ, bị mất, bí mật nhà nước được phân loại thành 03 độ mật, bao gồm: bí mật nhà nước "
    "độ Tuyệt mật, bí mật nhà nước độ Tối mật và bí mật nhà nước độ Mật.",
    "allow", [], "law text (paraphrase of Law 29/2018 Art. 8)")

add(F, "toi mat dien thoai roi, ai nhat duoc thi bao minh qua fb nhe. may mau den, op lung xanh",
    "allow", [], "chat: unaccented 'toi mat' = 'tôi mất' (I lost)")

add(F, "hom qua toi mat vi o phong hop tang 3, trong vi co the ngan hang va bang lai. ai thay cho xin lai",
    "allow", [], "chat: 'toi mat vi' = lost my wallet; mentions card/licence words without numbers")

add(F, "MẬT ONG RỪNG U MINH\nThành phần: 100% mật ong nguyên chất\nKhối lượng tịnh: 500 g\n"
    "Hạn sử dụng: 24 tháng kể từ ngày sản xuất",
    "allow", [], "product label: upper-case heading starting with MẬT on its own line but it is honey")

add(F, "BẢO MẬT THÔNG TIN TRONG CƠ QUAN NHÀ NƯỚC\nBài 2: Nhận diện nguy cơ lộ lọt khi dùng AI công cộng\n"
    "Học viên cần nắm được các loại dữ liệu không được đưa lên nền tảng AI.",
    "allow", [], "training title in capitals on its own line: BẢO MẬT is an ordinary word")

add(F, "Mật độ dân số của huyện năm 2024 đạt 412 người/km2, tăng 1,8% so với năm 2020; "
    "mật độ giao thông giờ cao điểm trên tuyến tỉnh lộ 291 tăng mạnh.",
    "allow", [], "mật độ = density")

add(F, "Cuộc gặp diễn ra trong không khí thân mật, cởi mở; hai bên khẳng định mối quan hệ mật thiết "
    "giữa hai địa phương kết nghĩa.",
    "allow", [], "thân mật / mật thiết")

add(F, "SỎI TÚI MẬT: NGUYÊN NHÂN VÀ CÁCH PHÒNG NGỪA\nSỏi túi mật thường gặp ở người trên 40 tuổi, "
    "phụ nữ, người thừa cân. Triệu chứng điển hình là đau hạ sườn phải sau bữa ăn nhiều dầu mỡ.",
    "allow", [], "health article without a named person; 'TÚI MẬT' heading")

add(F, "Bí mật của bát phở Nam Định nằm ở nồi nước dùng ninh xương bò suốt 8 tiếng.",
    "allow", [], "everyday 'bí mật'")

add(F, "Cục Quản lý Dược vừa có công văn thông báo thu hồi lô thuốc viên nén Paracetamol 500 mg số lô "
    "240817 do không đạt chỉ tiêu độ hòa tan. Các cơ sở phải gửi tài liệu thu hồi về Sở Y tế trước ngày 30/9.",
    "allow", [], "'tài liệu thu hồi' in the product-recall sense inside a sentence")

add(F, "Sau sự cố ngập kho lưu trữ, đơn vị đã phơi sấy và phân loại số tài liệu thu hồi được, "
    "khoảng 70% còn đọc được.",
    "allow", [], "'tài liệu thu hồi được' = documents retrieved")

add(F, "Tôi quên mật khẩu đăng nhập hệ thống quản lý văn bản, làm sao để lấy lại? "
    "Có cần báo bộ phận CNTT không?",
    "allow", [], "'mật khẩu' as a word, no value")

add(F, "Bộ phim \"Hồ Sơ Tối Mật\" sẽ ra rạp vào tháng 12, kể về cuộc đấu trí giữa hai điệp viên.",
    "allow", [], "movie title in quotes inside a sentence")

add(F, "Hướng dẫn nhập liệu: tại trường \"Độ mật\", chọn một trong các giá trị Mật, Tối mật, Tuyệt mật; "
    "văn bản thường thì để trống.",
    "allow", [], "user manual describing the Độ mật field, no actual value set")

add(F, "Số ký hiệu: 140/UBND-VP\nĐộ mật: Bình thường\nĐộ khẩn: Bình thường\n"
    "Trích yếu: V/v tổ chức Ngày hội đọc sách năm 2025",
    "allow", [], "e-office metadata of an ordinary document (level 'Bình thường'); state doc number is context only")

add(F, "Văn bản hỏa tốc có phải chuyển ngay trong ngày không, hay được chuyển trong giờ hành chính "
    "hôm sau? Còn văn bản thượng khẩn thì thời hạn là bao lâu?",
    "allow", [], "question about urgency levels: words in a sentence")

add(F, "Đề nghị các phòng khẩn trương hoàn thành báo cáo; hàng mẫu đã gửi giao hỏa tốc trong ngày.",
    "allow", [], "khẩn trương / giao hỏa tốc in everyday sense")

add(F, "Soạn giúp tôi dự thảo quy chế bảo vệ bí mật nhà nước của xã, gồm: phân loại tài liệu Tuyệt mật, "
    "Tối mật, Mật; quy định đóng dấu \"Tài liệu thu hồi\" và \"Chỉ người có tên mới được bóc bì\"; "
    "sổ theo dõi bản sao số.",
    "allow", [], "prompt asking the AI to draft rules: stamp names quoted inside a sentence")

add(F, "Nghị quyết 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, "
    "đổi mới sáng tạo và chuyển đổi số quốc gia đặt mục tiêu đến năm 2030 ...",
    "allow", [], "published Party resolution cited in prose")

add(F, "What does the red stamp \"TỐI MẬT\" mean on a Vietnamese document, and how is it different from \"MẬT\"?",
    "allow", [], "English question quoting the stamps")

add(F, "Đáp án bài kiểm tra nhận thức bảo vệ BMNN\n| Câu | Đáp án |\n|---|---|\n| 1 | Tuyệt mật |\n"
    "| 2 | 30 năm |\n| 3 | Thủ trưởng cơ quan |",
    "allow", [], "hard: table cell 'Tuyệt mật' but the column is a quiz answer key, not a Độ mật field")

add(F, "van ban toi mat co duoc chup anh bang dien thoai de bao cao nhanh khong a?",
    "allow", [], "unaccented question about 'văn bản tối mật': discussion, not a marking")

add(F, "Lưu ý: bản sao số hóa (scan) của hồ sơ phải được ký số trước khi đưa lên hệ thống.",
    "allow", [], "'bản sao số hóa' = digitised copy, not 'BẢN SAO SỐ ...'")

add(F, "SAO Y BẢN CHÍNH\nUBND XÃ TÂN HÒA ĐÔNG\nSố: 125/SY-UBND\nTân Hòa Đông, ngày 03 tháng 10 năm 2025\n"
    "Nơi nhận:\n- Ông (bà) có tên trong văn bản;\n- Lưu: VT.",
    "allow", [], "certified-copy stamp of an ordinary document: not a secret copy mark; state doc number alone is context")

# =========================================================================== CIRC (urgency/circulation/doc numbers)
F = "circ"

add(F, state_head("UBND TỈNH SƠN NGUYÊN", "VĂN PHÒNG", "1234/VP-TH", "Sơn Nguyên", "08 tháng 10 năm 2025",
                  "V/v chuẩn bị nội dung họp Thường trực") + "\n          HỎA TỐC\n\nKính gửi: Sở Tài chính",
    "warn", [("urgency_mark", "HỎA TỐC"), ("state_doc_number", "1234/VP-TH")],
    "urgency stamp in box 10b, no secrecy stamp")

add(F, "UBND HUYỆN VÂN SƠN\nSố: 302/UBND-TNMT\n\nTHƯỢNG KHẨN\n\nV/v xử lý sạt lở bờ sông khu vực thôn Đồng Lầy",
    "warn", [("urgency_mark", "THƯỢNG KHẨN"), ("state_doc_number", "302/UBND-TNMT")],
    "THƯỢNG KHẨN stamp")

add(F, "HOẢ TỐC\nUBND XÃ TÂN HÒA ĐÔNG\nSố: 88/UBND\nV/v báo cáo thiệt hại do bão số 9",
    "warn", [("urgency_mark", "HOẢ TỐC"), ("state_doc_number", "88/UBND")],
    "old-style accent placement HOẢ TỐC")

add(F, "HƯỚNG DẪN\nQuy trình tiếp nhận hồ sơ trực tuyến mức độ toàn trình\n...\n"
    "Bước 5: Trả kết quả qua dịch vụ bưu chính công ích.\n\n(LƯU HÀNH NỘI BỘ)",
    "warn", [("circulation_mark", "LƯU HÀNH NỘI BỘ")],
    "circulation note in parentheses at the end of an internal guide")

add(F, "XEM XONG TRẢ LẠI\n\nHUYỆN ỦY VÂN SƠN\nBAN TUYÊN GIÁO\nTài liệu sinh hoạt chi bộ tháng 11/2025",
    "warn", [("circulation_mark", "XEM XONG TRẢ LẠI")], "XEM XONG TRẢ LẠI on top of a Party document")

add(F, party_head("ĐẢNG BỘ TỈNH SƠN NGUYÊN", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN", "407-CV/ĐU", "Sơn Nguyên",
                  "02 tháng 6 năm 2025") + "\nV/v chuẩn bị nhân sự đại hội chi bộ trực thuộc\n\n"
    "Kính gửi: Các chi bộ, đảng bộ cơ sở trực thuộc",
    "warn", [("party_doc_number", "407-CV/ĐU")],
    "header of an internal Party letter, no secrecy stamp -> warn (classify before sending)")

add(F, "ĐẢNG ỦY XÃ TÂN HÒA ĐÔNG\nChi bộ thôn Đồng Lầy\n*\nSố 15-BC/CB\n\nBÁO CÁO\n"
    "Kiểm điểm tập thể chi ủy năm 2025",
    "warn", [("party_doc_number", "15-BC/CB")], "internal Party report header, 'Số 15-BC/CB' without colon")

add(F, "Số ký hiệu: 77/GM-UBND\nĐộ mật: Thường\nĐộ khẩn: Thượng khẩn\nTrích yếu: Giấy mời họp xử lý sự cố môi trường",
    "warn", [("urgency_mark", "Độ khẩn: Thượng khẩn"), ("state_doc_number", "77/GM-UBND")],
    "metadata: not secret but Thượng khẩn -> warn")

add(F, "huong dan su dung phan mem quan ly ho so\nban 2.1\n\nluu hanh noi bo",
    "warn", [("circulation_mark", "luu hanh noi bo")], "circulation note unaccented lower case on its own line")

add(F, "KHẨN\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 415/PGDĐT-VP\nV/v rà soát số liệu học sinh bỏ học",
    "warn", [("urgency_mark", "KHẨN"), ("state_doc_number", "415/PGDĐT-VP")], "bare KHẨN stamp")

add(F, "TÀI LIỆU PHỤC VỤ HỘI NGHỊ BAN CHẤP HÀNH\n(XONG HỘI NGHỊ TRẢ LẠI)\n\nDự thảo chương trình công tác năm 2026",
    "warn", [("circulation_mark", "XONG HỘI NGHỊ TRẢ LẠI")],
    "judgement: 'XONG HỘI NGHỊ TRẢ LẠI' (listed as 'also seen', unconfirmed) treated as a circulation note -> warn")

add(F, "Tài liệu tập huấn nghiệp vụ văn thư\n" + spaced("LƯU HÀNH NỘI BỘ", " ", "  "),
    "warn", [("circulation_mark", spaced("LƯU HÀNH NỘI BỘ", " ", "  "))], "letter-spaced circulation note")

add(F, state_head("UBND HUYỆN VÂN SƠN", "PHÒNG VĂN HÓA - THÔNG TIN", "56/PVHTT", "Vân Sơn",
                  "19 tháng 8 năm 2025", "V/v tổ chức giải bóng đá thiếu niên") +
    "\n\nKính gửi: UBND các xã, thị trấn\nPhòng Văn hóa - Thông tin đề nghị các xã cử đội tham gia ...",
    "allow", [],
    "judgement: ordinary state letter header without any stamp or circulation note -> allow (policy lists only Party-letter headers as warn; state doc number is context)")

add(F, "Theo Kế hoạch số 169-KH/VPTW của Văn phòng Trung ương Đảng và Công văn 557/BKHCN-CĐSQG, "
    "các cơ quan phải hướng dẫn cán bộ sử dụng AI an toàn.",
    "allow", [], "Party and state doc numbers cited in prose")

# =========================================================================== CCCD
F = "cccd"
c1 = make_cccd(1, 0, 89)
add(F, "PHIẾU ĐĂNG KÝ DỰ TUYỂN CÔNG CHỨC\nHọ và tên: Trịnh Văn Khôi\nNgày sinh: 14/02/1989\n"
    "Số CCCD: " + c1 + "\nNgày cấp: 10/5/2021   Nơi cấp: Cục CS QLHC về TTXH",
    "block", [("cccd", c1)], "CCCD (Hà Nội 001, male 1989) in an application form")

c2 = make_cccd(38, 1, 92)
add(F, "Bà Lê Thị Huyền Trang, sinh năm 1992, căn cước công dân số " + c2 + " cấp ngày 22/12/2021, "
    "thường trú tại thôn Đông Sơn, xã Quảng Phú.",
    "block", [("cccd", c2)], "CCCD (Thanh Hóa 038, female 1992) in a sentence")

c3 = make_cccd(79, 2, 3)
c3f = ".".join([c3[0:3], c3[3:6], c3[6:9], c3[9:12]])
add(F, "Em gửi lại thông tin anh Phúc để làm thẻ ra vào: CCCD " + c3f + ", cấp 2021.",
    "block", [("cccd", c3f)], "CCCD (TP HCM 079, male 2003) grouped with dots")

c4 = make_cccd(36, 1, 85)
c4f = " ".join([c4[0:3], c4[3:6], c4[6:9], c4[9:12]])
add(F, "Số định danh cá nhân: " + c4f, "block", [("cccd", c4f)], "personal ID number with spaces")

c5 = make_cccd(40, 0, 90)
c5f = "-".join([c5[0:4], c5[4:8], c5[8:12]])
add(F, "CCCD/CC: " + c5f + " (Nghệ An)", "block", [("cccd", c5f)], "dashes 4-4-4")

c6 = make_cccd(31, 3, 5)
c6f = fw_digits(c6)
add(F, "Họ tên học sinh: Bùi Ngọc Ánh   Lớp 12A3\nMã định danh: " + c6f,
    "block", [("cccd", c6f)], "full-width digits (IME input), Hải Phòng 031, female 2005")

c7 = make_cccd(48, 0, 77)
c7f = "\u200b".join([c7[0:3], c7[3:6], c7[6:9], c7[9:12]])
add(F, "cccd ong Tuan: " + c7f + " nhe chi", "block", [("cccd", c7f)],
    "U+200B zero-width spaces between digit groups in a chat message")

c8 = make_cccd(92, 2, 10)
add(F, "Cháu Đoàn Gia Bảo (" + c8 + ") được xét miễn học phí học kỳ I.",
    "block", [("cccd", c8)], "no keyword at all: structurally valid (Cần Thơ 092, male 2010) -> block")

ca, cb, cc_ = make_cccd(66, 1, 78), make_cccd(75, 0, 66), make_cccd(89, 1, 99)
add(F, "| STT | Họ tên | Số CCCD | Chức vụ |\n|---|---|---|---|\n"
    "| 1 | Y Blăk Niê | " + ca + " | Chủ tịch Hội ND |\n| 2 | Châu Văn Lực | " + cb + " | Trưởng ấp |\n"
    "| 3 | Néang Sa Rết | " + cc_ + " | Hội viên |",
    "block", [("cccd", ca), ("cccd", cb), ("cccd", cc_)], "CCCD column in a markdown table")

c10 = make_cccd(1, 0, 45)
c10f = "\u2060".join(c10)
add(F, "Người đại diện: ông Hà Văn Tư, số CCCD " + c10f + ".",
    "block", [("cccd", c10f)], "U+2060 word joiner between every digit")

add(F, "Mã hồ sơ một cửa: 099188123456 - trạng thái: đã tiếp nhận.",
    "allow", [], "12 digits with unknown province code 099")

bad = "079235" + "%06d" % R.randrange(10 ** 6)
add(F, "Mã tra cứu kết quả: " + bad, "allow", [],
    "12 digits, province 079 ok but century 2 + year 35 = 2035 (future birth)")

bad2 = "001" + "4" + "25" + "%06d" % R.randrange(10 ** 6)
add(F, "Số biên nhận: " + bad2, "allow", [], "century digit 4 = 2100s birth: impossible")

add(F, "Ví dụ cách ghi: Số CCCD: 123456789012 (12 chữ số, không ghi dấu cách).",
    "allow", [], "placeholder in instructions: province 123 does not exist")

add(F, "Cấu trúc số CCCD: 3 số đầu là mã tỉnh (ví dụ 001 là Hà Nội), 1 số giới tính/thế kỷ, "
    "2 số năm sinh, 6 số ngẫu nhiên; ví dụ mẫu 001089xxxxxx.",
    "allow", [], "explanation of the structure with masked digits")

add(F, "Mã đơn hàng: DH079203001234, giao trước 17h.", "allow", [],
    "order code: digits glued to ASCII letters DH (boundary) - not a CCCD")

add(F, "Số tham chiếu giao dịch: 0010950123456789", "allow", [],
    "16-digit transaction ref starting with a CCCD-shaped run (boundary) and failing Luhn")

# =========================================================================== CMND
F = "cmnd"
add(F, "Họ tên: Quách Thị Dung\nCMND số: 012345678 do Công an TP Hà Nội cấp ngày 05/7/2012",
    "block", [("cmnd", "012345678")], "9-digit CMND with keyword")
add(F, "cmtnd 182 345 678 cap 2010 tai CA Nghe An", "block", [("cmnd", "182 345 678")],
    "CMTND keyword, grouped digits, no diacritics")
add(F, "Ông Lò Văn Pấng, số chứng minh nhân dân 040123987, hiện cư trú tại bản Nà Tòng.",
    "block", [("cmnd", "040123987")], "judgement: full phrase 'chứng minh nhân dân' counts as the CMND keyword")
add(F, "Mã hồ sơ 012345678 đã được chuyển sang bộ phận thẩm định.", "allow", [],
    "9 digits without CMND keyword")
add(F, "Tổng lượt truy cập cổng thông tin năm 2025: 182.345.678 lượt.", "allow", [],
    "9-digit statistic with dot grouping")

# =========================================================================== IDMISC (passport, BHXH, BHYT)
F = "idmisc"
add(F, "Danh sách đoàn đi công tác Nhật Bản: đồng chí Lại Thế Vinh, hộ chiếu công vụ số C2817346, "
    "hết hạn 2030.", "block", [("passport", "C2817346")], "passport with hộ chiếu context")
add(F, "Passport No.: B7395021\nSurname: PHAN\nGiven names: THI KIM OANH\nDate of expiry: 11 MAR 2031",
    "block", [("passport", "B7395021")], "passport data page copied in English")
add(F, "Mã sản phẩm C2817346 hiện hết hàng.", "allow", [], "passport shape without passport context")
bx = "79" + "%08d" % R.randrange(10 ** 8)
add(F, "Mã số BHXH: " + bx + "\nHọ tên: Thạch Thị Sà Rươl\nĐơn vị: Trường THCS Tân Hòa",
    "block", [("bhxh", bx)], "BHXH number with label")
bx2 = "01" + "%08d" % R.randrange(10 ** 8)
add(F, "anh tra giup em so so bhxh " + bx2 + " da chot qua trinh dong chua a", "block",
    [("bhxh", bx2)], "BHXH number in a chat message, unaccented keyword")
bh = "HS4" + "79" + "79" + "%08d" % R.randrange(10 ** 8)
add(F, "Thẻ BHYT: " + bh + "\nNơi ĐKKCB ban đầu: Trạm y tế xã", "block", [("bhyt", bh)],
    "15-char BHYT card (HS group, benefit 4, province 79, 10-digit BHXH)")
bh2 = "DN4" + "01" + "01" + "%08d" % R.randrange(10 ** 8)
bh2f = bh2[:2] + " " + bh2[2] + " " + bh2[3:5] + " " + bh2[5:]
add(F, "Số thẻ BHYT của chị Mai: " + bh2f, "block", [("bhyt", bh2f)], "BHYT card written with spaces")
add(F, "Từ 01/7/2025, người tham gia có thể dùng ảnh thẻ BHYT trên ứng dụng VNeID thay cho thẻ giấy; "
    "mức đóng BHXH tự nguyện thấp nhất là 22% mức chuẩn hộ nghèo nông thôn.",
    "allow", [], "news about BHYT/BHXH, no numbers")

# =========================================================================== PHONE
F = "phone"
p = mobile("91")
pf = p[:4] + " " + p[4:7] + " " + p[7:]
add(F, "Cần liên hệ gì thì gọi em Hạnh nhé: " + pf, "warn", [("phone", pf)], "one mobile with spaces")
p = mobile("98")
pf = "+84 " + p[1:3] + " " + p[3:6] + " " + p[6:]
add(F, "Liên hệ: Mr. Thắng (" + pf + ")", "warn", [("phone", pf)], "+84 international form")
p = mobile("38")
pf = "84" + p[1:]
add(F, "so zalo cua chu Bay: " + pf, "warn", [("phone", pf)], "84 prefix without plus")
p = mobile("86")
pf = p[:4] + "." + p[4:7] + "." + p[7:]
add(F, "ĐT: " + pf, "warn", [("phone", pf)], "dots")
p = mobile("77")
pf = p[:4] + "-" + p[4:7] + "-" + p[7:]
add(F, "Hotline cá nhân của cán bộ phụ trách: " + pf, "warn", [("phone", pf)],
    "hyphens; judgement: 'hotline' word but a 07x mobile of one person -> warn")
p = mobile("56")
pf = "(+84) " + p[1:4] + " " + p[4:7] + " " + p[7:]
add(F, "Người nhận: Phùng Văn Quý - " + pf, "warn", [("phone", pf)], "(+84) parenthesised")
land = "028 3" + "%03d" % R.randrange(1000) + " " + "%04d" % R.randrange(10 ** 4)
add(F, "Số nhà riêng của bác Tâm: " + land, "warn", [("phone", land)],
    "personal landline 028 + 8 digits")
p = mobile("94")
add(F, "Số điện thoại của tôi là " + p + ", nhờ bạn viết lại đơn xin nghỉ phép cho trang trọng hơn.",
    "warn", [("phone", p)], "user's own number inside a prompt")
p = mobile("91")
pf = fw_digits(p[:4] + " " + p[4:7] + " " + p[7:])
add(F, "ĐT liên hệ: " + pf, "warn", [("phone", pf)], "full-width digits (IME) in a phone number")
p = mobile("33")
add(F, "SĐT: " + p + " (Zalo cùng số " + p + ")", "warn", [("phone", p)],
    "one person's number written twice: still one phone, not bulk")
add(F, "Tổng đài hỗ trợ dịch vụ công: 1900 1234. Đường dây nóng 1800 6789 (miễn phí).", "allow", [],
    "1900 / 1800 service numbers")
add(F, "Khi có cháy gọi 114, cấp cứu 115, công an 113.", "allow", [], "emergency short numbers")
add(F, "Số cũ của anh ấy là 0168 234 5678, giờ không còn dùng.", "allow", [],
    "retired 11-digit mobile")
add(F, "Mã giao dịch: 202409123456789 - số tiền 2.500.000 đ", "allow", [],
    "phone shape 0912345678 hidden inside a 15-digit ref")
add(F, "Mã số thuế nhà thầu phụ 0123456789 chưa xác thực.", "allow", [],
    "0123456789: 012 is not a mobile prefix, and MST check digit fails (checked by generator)")
add(F, "Ngày 09.12.2025 lúc 09:12 - biên bản số 0912/BB", "allow", [], "dates/times with 0912 fragments")

# =========================================================================== EMAIL
F = "email"
add(F, "Gửi file báo cáo về hộp thư tranvanlong.snv@example.gov.vn giúp anh.", "warn",
    [("email", "tranvanlong.snv@example.gov.vn")], "one personal work e-mail")
add(F, "mail cua em: ngoc.anh+hoso@example.com", "warn", [("email", "ngoc.anh+hoso@example.com")],
    "plus-addressed e-mail")
add(F, "Trân trọng,\nNguyễn Thị Minh Nguyệt\nChuyên viên Phòng Tổng hợp - VP UBND tỉnh\n"
    "Email: nguyet.ntm@example.vn", "warn", [("email", "nguyet.ntm@example.vn")],
    "signature block with e-mail only")
add(F, "Theo dõi fanpage @sonnguyen.tourism và hashtag #dulichsonnguyen để nhận ưu đãi.", "allow", [],
    "social handles, not e-mail")
add(F, "Cú pháp địa chỉ thư điện tử gồm phần tên, ký tự @ và tên miền, ví dụ ten@tenmien.", "allow", [],
    "explanation; 'ten@tenmien' has no TLD")

# =========================================================================== MST
F = "mst"
m1 = make_mst("01")
add(F, "Đơn vị trúng thầu: Công ty TNHH Thương mại Sao Mai Xanh\nMST: " + m1 + "\nGiá trúng thầu: 1.245.000.000 đồng",
    "warn", [("mst", m1)], "business tax code with company name")
m2 = make_mst("03")
m2f = m2 + "-002"
add(F, "Chi nhánh Công ty CP Xây lắp Hòa Bình Tây tại Vân Sơn, mã số thuế " + m2f, "warn", [("mst", m2f)],
    "branch form NNNNNNNNNN-NNN")
m3 = make_mst("27")
m3f = m3[:2] + "." + m3[2:4] + "." + m3[4:7] + "." + m3[7:]
add(F, "Hóa đơn GTGT - Người bán: HTX Dịch vụ Nông nghiệp Đồng Lầy - MST " + m3f, "warn", [("mst", m3f)],
    "dotted MST layout (as printed on some invoices)")
m4 = make_mst("8")
add(F, "Kê khai quyết toán thuế TNCN năm 2024\nHọ tên: Giàng A Dơ\nMã số thuế cá nhân: " + m4 +
    "\nThu nhập chịu thuế: 186.500.000 đồng", "block", [("mst", m4)],
    "personal tax code of a named individual -> block")
m5 = make_mst("80")
add(F, "Anh kiểm tra giúp MST của chị Đặng Thu Thảo (" + m5 + ") đã được cập nhật sang số CCCD chưa?",
    "block", [("mst", m5)], "individual's MST in a question")
add(F, "MST: " + wrong_mst("01") + " - Công ty TNHH ABC Việt", "allow", [], "wrong check digit")
add(F, "Mã số thuế 0012345675 bị từ chối vì mã tỉnh 00 không hợp lệ.", "allow", [],
    "province 00 is never issued")

# =========================================================================== BANK
F = "bank"
a1 = "0071" + "%09d" % R.randrange(10 ** 9)
add(F, "Đề nghị chuyển tiền hỗ trợ vào STK " + a1 + " - Vietcombank - chủ TK: Hà Thị Hồng", "block",
    [("bank_account", a1)], "STK + bank name + holder")
a2 = "1903" + "%010d" % R.randrange(10 ** 10)
a2f = group(a2)
add(F, "Số tài khoản: " + a2f + "\nNgân hàng: Techcombank chi nhánh Thăng Long", "block",
    [("bank_account", a2f)], "grouped account number with label")
a3 = "%012d" % R.randrange(10 ** 11, 10 ** 12)
while cccd_ok(a3):
    a3 = "%012d" % R.randrange(10 ** 11, 10 ** 12)
add(F, "ck cho em vao tk BIDV " + a3 + " nhe anh, noi dung: tien quy lop", "block",
    [("bank_account", a3)], "chat, abbreviations 'ck', 'tk', bank name")
rows = []
labs = []
for name in ["Nguyễn Văn Hải", "Lương Thị Thu", "Sầm Văn Khiêm"]:
    acc = "10" + "%010d" % R.randrange(10 ** 10)
    rows.append("| %s | 6.850.000 | %s | VietinBank |" % (name, acc))
    labs.append(("bank_account", acc))
add(F, "BẢNG THANH TOÁN LƯƠNG THÁNG 10/2025\n| Họ tên | Thực lĩnh | Số TK | Ngân hàng |\n|---|---|---|---|\n"
    + "\n".join(rows), "block", labs, "payroll columns with account numbers")
a5 = "2" + "%012d" % R.randrange(10 ** 12)
add(F, "Chủ tài khoản: LY THI MY\nSố TK: " + a5 + "\nAgribank CN Sóc Trăng", "block",
    [("bank_account", a5)], "upper-case unaccented holder name, 13-digit Agribank account")
add(F, "Ngân hàng không bao giờ yêu cầu khách hàng cung cấp số tài khoản, mã OTP qua điện thoại. "
    "Gọi tổng đài 1900 545413 nếu nghi ngờ lừa đảo.", "allow", [], "bank warning text; hotline; no account")
add(F, "Tỷ giá Vietcombank ngày 20/11/2025: USD mua vào 26.120, bán ra 26.380.", "allow", [],
    "bank name + numbers that are rates")

# =========================================================================== CARD
F = "card"
v = luhn_complete("4", 16)
vf = group(v)
add(F, "Thanh toán phí hội nghị bằng thẻ Visa " + vf + " hết hạn 09/28", "block", [("credit_card", vf)],
    "Visa, spaces")
n1 = luhn_complete("970436", 16)
add(F, "Số thẻ ATM: " + n1, "block", [("credit_card", n1)], "NAPAS 9704 16-digit")
n2 = luhn_complete("970415", 19)
add(F, "the napas cua em " + n2 + " bi khoa roi", "block", [("credit_card", n2)], "NAPAS 19-digit, chat")
mc = luhn_complete("52", 16)
mcf = group(mc, 4, "-")
add(F, "MasterCard: " + mcf, "block", [("credit_card", mcf)], "Mastercard with dashes")
ax = luhn_complete("37", 15)
axf = ax[:4] + " " + ax[4:10] + " " + ax[10:]
add(F, "Amex corporate card " + axf, "block", [("credit_card", axf)], "Amex 4-6-5")
bad_c = luhn_break(luhn_complete("4", 16))
add(F, "Số thẻ: " + group(bad_c) + " (sai số, đề nghị kiểm tra lại)", "allow", [],
    "card-shaped with label but Luhn fails")
bad_c2 = luhn_break(luhn_complete("9704", 16))
add(F, "Mã vận đơn: " + bad_c2, "allow", [], "16-digit starting 9704 but Luhn fails")

# =========================================================================== IBAN
F = "iban"
ib = make_iban("DE", "37040044" + "%010d" % R.randrange(10 ** 10))
ibf = group(ib)
add(F, "Đối tác Đức đề nghị chuyển học phí vào IBAN " + ibf + " (BIC COBADEFFXXX).", "block",
    [("iban", ibf)], "valid German IBAN grouped")
ib2 = make_iban("FR", "20041010050500013M02606")
add(F, "IBAN: " + ib2, "block", [("iban", ib2)], "valid French IBAN with a letter in the BBAN")
ib3 = make_iban("GB", "NWBK60161331926819")
add(F, "Beneficiary account " + group(ib3) + ", Ms Tran", "block", [("iban", group(ib3))], "UK IBAN")
wrong = ib[:2] + "%02d" % ((int(ib[2:4]) + 1) % 97 or 2) + ib[4:]
assert not iban_ok(wrong)
add(F, "IBAN cũ " + group(wrong) + " không còn hiệu lực.", "allow", [], "IBAN with wrong check digits")
wrong2 = ib2[:-1] + str((int(ib2[-1]) + 1) % 10)
assert not iban_ok(wrong2)
add(F, "Ví dụ định dạng IBAN: " + wrong2, "allow", [], "mod-97 fails")

# =========================================================================== VIETQR
F = "vietqr"
q1 = vietqr("970436", "0071" + "%09d" % R.randrange(10 ** 9))
add(F, q1, "block", [("vietqr", q1)], "bare VietQR payload (Vietcombank BIN), correct CRC")
q2 = vietqr("970418", "21510" + "%08d" % R.randrange(10 ** 8), amount="500000", info="UNG HO BAO LU", dynamic=True)
add(F, "Chuỗi QR quét được từ ảnh: " + q2 + " - nhờ bạn giải mã giúp", "block", [("vietqr", q2)],
    "dynamic VietQR with amount and note, BIDV")
q3 = vietqr("970415", "10" + "%010d" % R.randrange(10 ** 10))
add(F, "```\n" + q3 + "\n```", "block", [("vietqr", q3)], "VietinBank payload in a code block")
q4 = vietqr("970436", "0071" + "%09d" % R.randrange(10 ** 9))
q4bad = q4[:-4] + "%04X" % ((int(q4[-4:], 16) + 1) & 0xFFFF)
add(F, q4bad, "allow", [], "VietQR with wrong CRC")
q5 = vietqr("970418", "123456789")
q5bad = q5[:-4] + "0000" if q5[-4:] != "0000" else q5[:-4] + "FFFF"
add(F, "Mẫu chuỗi QR (minh họa): " + q5bad, "allow", [], "illustrative payload with CRC 0000 (wrong)")

# =========================================================================== PLATE
F = "plate"
add(F, "Xe ô tô biển kiểm soát 30A-123.45 đỗ sai quy định trước cổng UBND.", "warn",
    [("license_plate", "30A-123.45")], "car plate")
add(F, "xe may 29-B1 234.56 cua anh Long mat dang ky roi", "warn", [("license_plate", "29-B1 234.56")],
    "motorbike plate in chat (also 'mat' = mất)")
add(F, "Danh sách xe công: 51G-678.90 (xe chở cán bộ)", "warn", [("license_plate", "51G-678.90")],
    "single plate in a fleet line")
add(F, "Biển số xe theo Thông tư 79/2024/TT-BCA có nền màu trắng, chữ và số màu đen.", "allow", [],
    "text about plates, no plate")

# =========================================================================== NUM (look-alike numbers)
F = "num"
add(F, "Tổng kinh phí: 12.079.203.001 đồng (Mười hai tỷ không trăm bảy mươi chín triệu...)", "allow", [],
    "money amount with dot grouping")
add(F, "Tổng thu ngân sách trên địa bàn năm 2024 đạt 38.192.004.567 đồng, bằng 104% dự toán.",
    "allow", [], "money amount whose grouped digits resemble a CCCD fragment")
add(F, "Số hóa đơn: 00012345 - Ký hiệu: 1C25TAA - Ngày 20/10/2025", "allow", [], "invoice number")
add(F, "Mã hồ sơ: H38.22-251118-0001", "allow", [], "one-stop-shop dossier code")
add(F, "Thời gian: 2025-11-18T09:12:34+07:00; request_id=8f3a2c", "allow", [], "ISO timestamp")
add(F, "Toạ độ trung tâm xã: 21.0285, 105.8542; độ cao 12 m.", "allow", [],
    "coordinates of a place, not a person's location")
add(F, "Giai đoạn 2021-2025 giải ngân 1234567890123 đồng?? (lỗi nhập liệu)", "allow", [],
    "13-digit number that fails Luhn (checked) and has no bank context")
add(F, "Số văn bản đến: 20251118 - Số trang: 12", "allow", [], "date-shaped register number")

# =========================================================================== SENS (sensitive personal)
F = "sens"
add(F, "Ghi chú hồ sơ cán bộ: Đồng chí Kha Văn Dũng, chuyên viên phòng Kế hoạch, đang điều trị "
    "ARV do nhiễm HIV từ năm 2019; đề nghị bố trí công việc phù hợp, giữ kín thông tin.",
    "block", [("sensitive_personal", "nhiễm HIV")], "health data of a named cadre in an HR note")
add(F, "TÓM TẮT BỆNH ÁN\nBệnh nhân: Lâm Thị Bích Ngọc, 47 tuổi\nChẩn đoán: Ung thư vú trái giai đoạn IIB\n"
    "Điều trị: hóa trị phác đồ AC-T, đã 4 chu kỳ", "block",
    [("sensitive_personal", "Ung thư vú trái giai đoạn IIB")], "medical summary with name")
add(F, "NHẬN XÉT ĐẢNG VIÊN\nĐồng chí: Y Moan Êban\nTôn giáo: Tin Lành\nƯu điểm: ...",
    "block", [("sensitive_personal", "Tôn giáo: Tin Lành")], "religion of a named party member")
add(F, "Qua xác minh, anh Tô Văn Hiếu (thôn Bản Phố) từng có 01 tiền án về tội cố ý gây thương tích "
    "năm 2016, đã được xóa án tích.", "block", [("sensitive_personal", "01 tiền án về tội cố ý gây thương tích")],
    "criminal record of a named person")
add(F, "Kết quả giải trình tự gen của bé Vương Gia Hân cho thấy đột biến gen CFTR dị hợp tử.",
    "block", [("sensitive_personal", "đột biến gen CFTR")], "genetic data of a named child")
add(F, "Lịch sử định vị điện thoại của ông Mạc Đăng Khoa ngày 03/11: 21h05 tại quán cà phê số 12 "
    "Lý Thường Kiệt; 22h40 tại khách sạn Hoa Sen; 23h15 về nhà riêng.", "block",
    [("sensitive_personal", "Lịch sử định vị điện thoại")], "positioning data of a named person")
add(F, "Bản kiểm điểm: Tôi, Chu Thị Yến, xin nghỉ từ 10/11 do điều trị trầm cảm tại Viện Sức khỏe "
    "Tâm thần; kính mong chi bộ thông cảm.", "block", [("sensitive_personal", "điều trị trầm cảm")],
    "first-person mental-health disclosure with a name")
add(F, "Tỷ lệ nhiễm HIV trong nhóm tuổi 15-49 của tỉnh năm 2024 là 0,21%, giảm 0,03 điểm % so với 2023.",
    "allow", [], "HIV statistics, no person")
add(F, "Theo Điều 2 khoản 4 Nghị định 13/2023/NĐ-CP, dữ liệu cá nhân nhạy cảm gồm quan điểm chính trị, "
    "tôn giáo, tình trạng sức khỏe, dữ liệu di truyền, lý lịch tư pháp, vị trí định vị ...",
    "allow", [], "law text listing the categories")
add(F, "Bệnh nhân nam, 45 tuổi, tiền sử tăng huyết áp, nhập viện vì đau ngực trái; "
    "ca lâm sàng dùng cho buổi sinh hoạt chuyên môn.", "allow", [], "anonymised clinical case, no name")
add(F, "Toàn tỉnh hiện có khoảng 120.000 tín đồ Phật giáo và 35.000 tín đồ Công giáo, "
    "sinh hoạt tại 210 cơ sở thờ tự.", "allow", [], "religion statistics")
add(F, "Tin tức: Bộ Y tế ghi nhận 1.240 ca sốt xuất huyết trong tuần, tăng 8% so với tuần trước.",
    "allow", [], "health news, no person")

# =========================================================================== BULK
F = "bulk"
ppl = [("Đỗ Hữu Thành", mobile("91")), ("Kiều Thị Mai", mobile("35")), ("Ngô Quang Vĩnh", mobile("86")),
       ("Tăng Thị Bé", mobile("70"))]
csv = "ho_ten,so_dien_thoai\n" + "\n".join("%s,%s" % x for x in ppl)
add(F, "Danh sách tổ tự quản, nhờ bạn sắp xếp theo ABC:\n" + csv, "block",
    [("bulk_personal", csv)] + [("phone", x[1]) for x in ppl], "CSV of 4 people with phones")
emails = ["hoa.lt@example.vn", "binh.nq@example.vn", "cuong.dv@example.vn"]
to = "; ".join(emails)
add(F, "To: " + to + "\nSubject: Lịch trực Tết", "block",
    [("bulk_personal", to)] + [("email", e) for e in emails], "To: line with 3 colleagues' e-mails")
tb = ["| %s | %s | %s |" % (n, r, m) for n, r, m in [
    ("Vi Văn Tám", "Trưởng thôn", mobile("97")[:4] + " " + "%03d %03d" % (R.randrange(1000), R.randrange(1000))),
    ("Hoàng Thị Ngát", "Chi hội trưởng PN", mobile("39")),
    ("Lục Văn Sinh", "Công an viên", "+84 " + mobile("82")[1:]),
]]
table = "| Họ tên | Chức danh | Điện thoại |\n|---|---|---|\n" + "\n".join(tb)
add(F, "DANH BẠ BAN CÔNG TÁC MẶT TRẬN THÔN\n" + table, "block", [("bulk_personal", table)],
    "table of 3 contacts, mixed phone formats")
lines = []
for n in ["Chị Lan", "Anh Dũng", "Cô Hòa", "Chú Bảy", "Em Tùng"]:
    p = mobile()
    lines.append("- %s: %s" % (n, p[:4] + "." + p[4:7] + "." + p[7:]))
blk = "\n".join(lines)
add(F, "Số điện thoại các hộ nhận quà Tết:\n" + blk, "block", [("bulk_personal", blk)],
    "bulleted list of 5 people with dotted phones")
mixed_rows = "1. Phan Minh Trí - tri.pm@example.org\n2. Lê Thu Hà - " + mobile("93") + \
    "\n3. Vương Quốc Anh - quocanh@example.net"
add(F, "Ban tổ chức liên hệ:\n" + mixed_rows, "block", [("bulk_personal", mixed_rows)],
    "3 people, mixed e-mails and a phone")
p1, p2 = mobile("90"), mobile("32")
add(F, "Đầu mối: anh Khánh " + p1 + ", chị Vân " + p2, "warn", [("phone", p1), ("phone", p2)],
    "two people only: below bulk threshold -> warn")
add(F, "Danh sách khen thưởng: 1. Nguyễn Văn An - Chủ tịch UBND xã; 2. Trần Thị Bình - Phó Chủ tịch; "
    "3. Lê Văn Cường - Công chức địa chính; 4. Phạm Thị Dung - Văn thư.", "allow", [],
    "names and titles only, no contact details")
sig_p = mobile("88")
sig_pf = sig_p[:4] + " " + sig_p[4:7] + " " + sig_p[7:]
sig = "--\nThS. Lý Quang Huy\nPhó Trưởng phòng Chuyển đổi số\nSở KH&CN tỉnh Sơn Nguyên\nDĐ: " + sig_pf + \
    "\nEmail: huy.lq@example.gov.vn"
add(F, "Nhờ bạn dịch sang tiếng Anh đoạn sau:\n\"Kính gửi Quý đối tác, ...\"\n" + sig, "warn",
    [("phone", sig_pf), ("email", "huy.lq@example.gov.vn")], "one person's signature block -> warn")

# =========================================================================== CRED
F = "cred"
add(F, "Tài khoản hệ thống một cửa của em: user: vanthu.tanhoa, mật khẩu: Thu@2024!", "block",
    [("credential", "mật khẩu: Thu@2024!")], "password written out")
add(F, "wifi phong hop tang 2: SSID TiepDan_5G, pass: tiepdan@2025", "block",
    [("credential", "pass: tiepdan@2025")], "wifi password")
add(F, "MK email cong vu: Hanoi#7788 (nho doi sau khi dang nhap)", "block", [("credential", "MK email cong vu: Hanoi#7788")],
    "abbreviation MK, unaccented")
cs = "Server=10.20.1.15;Database=QLHS;User Id=sa;Password=Qw3rty!2025;TrustServerCertificate=True"
add(F, "Chuỗi kết nối bị lỗi, sửa giúp:\n" + cs, "block", [("credential", cs)], "SQL Server connection string")
cs2 = "postgresql://egov_app:S3cr3t_Pg_88@db.example.vn:5432/motcua"
add(F, "DATABASE_URL=" + cs2, "block", [("credential", cs2)], "URL with embedded password")
pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(
    rand_alnum(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(5)) + \
    "\n-----END RSA PRIVATE KEY-----"
add(F, "Cấu hình SSH cho máy chủ cổng TTĐT:\n" + pem, "block", [("credential", pem)], "PEM private key")
ak = "AKIA" + rand_alnum(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
sk = rand_alnum(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+")
add(F, "aws_access_key_id = " + ak + "\naws_secret_access_key = " + sk, "block",
    [("credential", ak), ("credential", sk)], "AWS key pair from ~/.aws/credentials")
gh = "ghp_" + rand_alnum(36)
add(F, "git clone https://" + gh + "@github.com/sokhcn-example/cong-ttdt.git", "block",
    [("credential", gh)], "GitHub token inside a clone URL")
oa = "sk-proj-" + rand_alnum(48, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
add(F, "OPENAI_API_KEY=" + oa, "block", [("credential", oa)], "OpenAI project key")
sl = "xoxb-" + "%013d" % R.randrange(10 ** 12, 10 ** 13) + "-" + "%013d" % R.randrange(10 ** 12, 10 ** 13) + "-" + rand_alnum(24)
add(F, "Bot token Slack: " + sl, "block", [("credential", sl)], "Slack bot token")
gk = "AIza" + rand_alnum(35, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
add(F, "const MAPS_KEY = \"" + gk + "\";", "block", [("credential", gk)], "Google API key in JS")
add(F, "# cấu hình gửi thư\nSMTP_HOST=smtp.example.vn\nSMTP_USER=noreply@example.vn\nSMTP_PASSWORD=Mail!2025vn",
    "block", [("credential", "SMTP_PASSWORD=Mail!2025vn"), ("email", "noreply@example.vn")],
    ".env file with a password (the e-mail is a service account; warn-level at most)")
add(F, "Chị ơi mật khẩu máy tính phòng văn thư là vanthu1975 nhé, em đi vắng 2 hôm.", "block",
    [("credential", "mật khẩu máy tính phòng văn thư là vanthu1975")],
    "password given in a sentence with 'là' instead of a colon")
add(F, "Yêu cầu mật khẩu: tối thiểu 12 ký tự, gồm chữ hoa, chữ thường, số và ký tự đặc biệt; "
    "đổi mật khẩu 90 ngày một lần; không dùng lại 5 mật khẩu gần nhất.", "allow", [],
    "password policy text")
add(F, "Mật khẩu: ********\nTrạng thái: đã đổi thành công", "allow", [],
    "judgement: masked password - no secret disclosed")
pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rand_alnum(43) + " admin@example.vn"
add(F, "Thêm khóa công khai này vào authorized_keys:\n" + pub, "allow", [],
    "public key only (no private material)")
add(F, "Nhấn 'Quên mật khẩu' để nhận mã đặt lại qua email đã đăng ký.", "allow", [], "UI text")

# =========================================================================== MIXED (strictest wins)
F = "mixed"
mp = mobile("91")
add(F, "MẬT\nBÁO CÁO NHANH\nĐầu mối liên hệ: đồng chí Thái (" + mp + ")", "block",
    [("secret_marking", "MẬT"), ("phone", mp)], "marking (block) + phone (warn) -> block")
add(F, "Tài liệu tập huấn chuyển đổi số cấp xã\n(Lưu hành nội bộ)\nGóp ý gửi về: cds.tanhoa@example.gov.vn",
    "warn", [("circulation_mark", "Lưu hành nội bộ"), ("email", "cds.tanhoa@example.gov.vn")],
    "circulation note + one e-mail -> warn")
mc1 = make_cccd(24, 1, 94)
mp2 = mobile("36")
add(F, "Hồ sơ ứng viên: Nông Thị Hường, SĐT " + mp2 + ", CCCD " + mc1, "block",
    [("phone", mp2), ("cccd", mc1)], "phone (warn) + CCCD (block) -> block")
add(F, "Vụ lộ tài liệu Tối mật: nghi phạm lái xe 98A-456.78 bỏ trốn", "warn",
    [("license_plate", "98A-456.78")], "discussion of secrets (allow) + plate (warn) -> warn")
add(F, "GIẤY MỜI\nDự hội thảo \"AI an toàn cho cán bộ cấp xã\"\nĐăng ký qua tổng đài 1900 8888 hoặc "
    "liên hệ chị Hương - 0912.000.111", "warn", [("phone", "0912.000.111")],
    "hotline (allow) + one personal mobile (warn)")
ma = "0011" + "%09d" % R.randrange(10 ** 9)
add(F, "KHẨN\nĐề nghị Phòng Tài chính chuyển kinh phí vào tài khoản số " + ma + " tại Vietcombank "
    "của bà Trần Thị Lụa trước 16h.", "block", [("urgency_mark", "KHẨN"), ("bank_account", ma)],
    "urgency (warn) + bank account (block)")
add(F, "Chính sách: mật khẩu tối thiểu 8 ký tự. Ví dụ tài khoản test đang dùng: admin / MK: Admin@123",
    "block", [("credential", "MK: Admin@123")], "policy text (allow) + a real written password")
add(F, party_head("ĐẢNG BỘ XÃ TÂN HÒA ĐÔNG", "CHI BỘ TRƯỜNG THCS", "03-BC/CB", "Tân Hòa Đông",
                  "25 tháng 11 năm 2025") + "\nBÁO CÁO\nKiểm điểm đảng viên: đồng chí Lò Thị Phượng nghỉ "
    "dài ngày do điều trị lao phổi, chưa hoàn thành nhiệm vụ.", "block",
    [("party_doc_number", "03-BC/CB"), ("sensitive_personal", "điều trị lao phổi")],
    "Party header (warn) + named member's health data (block)")
m6 = make_mst("46")
add(F, "HỎA TỐC\nLƯU HÀNH NỘI BỘ\nNhà thầu: Công ty CP Tư vấn Hương Giang Mới, MST " + m6, "warn",
    [("urgency_mark", "HỎA TỐC"), ("circulation_mark", "LƯU HÀNH NỘI BỘ"), ("mst", m6)],
    "only warn-level findings -> warn")
q6 = vietqr("970436", "0071" + "%09d" % R.randrange(10 ** 9), amount="2000000")
add(F, "TỐI MẬT\nQuỹ chi đặc biệt - mã QR chuyển khoản:\n" + q6, "block",
    [("secret_marking", "TỐI MẬT"), ("vietqr", q6)], "two block-level findings")
add(F, "Theo Nghị định 13/2023/NĐ-CP, cán bộ không được nhập số CCCD, mật khẩu hay tài liệu Mật vào AI công cộng. "
    "Mọi thắc mắc gọi 1900 1234, hạn chót 30/11/2025, kinh phí 15.000.000 đồng.", "allow", [],
    "everything here is allow-level: citation, words, hotline, date, money")

# =========================================================================== self-checks

# Allow items whose digit run is deliberately CCCD-shaped but glued to ASCII letters.
INTENTIONAL_DIGIT_RUNS = {"ho-cccd-016"}


def self_check(items):
    ids = set()
    for it in items:
        assert it["id"] not in ids, it["id"]
        ids.add(it["id"])
        text = it["text"]
        for lab in it["labels"]:
            v = lab["value"]
            assert v in text
            t = lab["type"]
            d = digits(v)
            if t == "cccd":
                assert cccd_ok(d), (it["id"], v)
            elif t == "mst":
                assert mst_ok(unicodedata.normalize("NFKC", v)), (it["id"], v)
            elif t == "credit_card":
                assert luhn_ok(d), (it["id"], v)
            elif t == "iban":
                assert iban_ok(v), (it["id"], v)
            elif t == "vietqr":
                assert vietqr_ok(v), (it["id"], v)
            elif t == "phone":
                assert mobile_ok(d) or (d[:3] in ("024", "028") and len(d) == 11), (it["id"], v)
        if it["expect"] in ("allow", "warn"):
            # no raw digit run may accidentally be block-level (valid CCCD / Luhn card)
            flat = unicodedata.normalize("NFKC", text)
            for run in re.findall(r"\d+", flat):
                if it["id"] in INTENTIONAL_DIGIT_RUNS:
                    continue
                assert not cccd_ok(run), (it["id"], run)
                if 13 <= len(run) <= 19:
                    assert not luhn_ok(run), (it["id"], run)
                if it["expect"] == "allow":
                    assert not (len(run) == 10 and mobile_ok(run)), (it["id"], run)
                    if len(run) == 10 and run[:2] != "00":
                        assert not mst_ok(run), (it["id"], run)
            if it["expect"] == "allow":
                for run in re.findall(r"(?<![\d.])\d{4}[ .]\d{3}[ .]\d{3}(?![\d.])", flat):
                    assert not mobile_ok(digits(run)), (it["id"], run)


def render(items):
    return "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)


def main():
    self_check(ITEMS)
    data = render(ITEMS)
    for line in data.splitlines():
        json.loads(line)
    if "--check" in sys.argv:
        with open(OUT, encoding="utf-8") as f:
            same = f.read() == data
        print("heldout.jsonl is %s" % ("up to date" if same else "STALE"))
        return 0 if same else 1
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write(data)
    exp, fam = {}, {}
    for it in ITEMS:
        exp[it["expect"]] = exp.get(it["expect"], 0) + 1
        k = it["id"].split("-")[1]
        fam[k] = fam.get(k, 0) + 1
    print("wrote %d items to %s" % (len(ITEMS), OUT))
    print("by expect:", exp)
    print("by family:", fam)
    return 0


if __name__ == "__main__":
    sys.exit(main())
