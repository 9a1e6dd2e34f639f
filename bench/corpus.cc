#include "corpus.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <array>
#include <string_view>

namespace dlp::bench {
namespace {

// splitmix64: tiny, fast, and the same on every platform (std:: distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool Chance(unsigned per_mille) { return Below(1000) < per_mille; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& a) { return a[Below(N)]; }

 private:
  uint64_t s_;
};

using Words = std::string_view;

constexpr std::array<Words, 24> kSubjects = {
    "Ủy ban nhân dân tỉnh", "Sở Nội vụ", "Sở Tài chính", "Ban Thường vụ Tỉnh ủy",
    "Văn phòng Ủy ban nhân dân", "Phòng Tổ chức cán bộ", "Thanh tra tỉnh",
    "Sở Kế hoạch và Đầu tư", "Ủy ban nhân dân huyện", "Ban Tổ chức Huyện ủy",
    "Đảng ủy xã", "Hội đồng nhân dân thành phố", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Sở Tư pháp", "Cục Thuế tỉnh",
    "Kho bạc Nhà nước", "Sở Tài nguyên và Môi trường", "Ban Dân vận", "Mặt trận Tổ quốc",
    "Trung tâm Phục vụ hành chính công", "Sở Thông tin và Truyền thông"};
constexpr std::array<Words, 20> kVerbs = {
    "đã chỉ đạo triển khai", "tiếp tục thực hiện", "báo cáo kết quả", "tổ chức kiểm tra",
    "phối hợp rà soát", "đề nghị bổ sung", "hướng dẫn thực hiện", "tổng hợp tình hình",
    "đánh giá việc thực hiện", "xây dựng kế hoạch", "trình phê duyệt", "ban hành quy chế",
    "theo dõi, đôn đốc", "chấn chỉnh việc", "tăng cường công tác", "thẩm định hồ sơ",
    "giải quyết kiến nghị về", "sơ kết công tác", "quán triệt nội dung", "kiện toàn bộ máy"};
constexpr std::array<Words, 24> kObjects = {
    "cải cách hành chính", "chuyển đổi số trong cơ quan nhà nước", "công tác cán bộ",
    "quản lý ngân sách địa phương", "phòng, chống tham nhũng, tiêu cực",
    "bồi dưỡng, đào tạo công chức", "giải ngân vốn đầu tư công", "tiếp công dân",
    "thi đua, khen thưởng", "quy hoạch sử dụng đất", "xây dựng nông thôn mới",
    "an toàn thông tin mạng", "bảo vệ bí mật nhà nước", "văn hóa công sở",
    "chế độ báo cáo định kỳ", "thu hồi nợ thuế", "hồ sơ công việc điện tử",
    "dịch vụ công trực tuyến mức độ 4", "sắp xếp đơn vị hành chính cấp xã",
    "quản lý tài sản công", "kỷ luật, kỷ cương hành chính", "phát triển kinh tế tập thể",
    "chăm sóc sức khỏe nhân dân", "phòng, chống thiên tai"};
constexpr std::array<Words, 16> kTails = {
    "theo đúng quy định của pháp luật", "trong quý III năm 2025", "trên địa bàn tỉnh",
    "đảm bảo tiến độ đề ra", "với sự tham gia của các đơn vị liên quan",
    "theo Kế hoạch số 45/KH-UBND", "nhằm nâng cao hiệu quả quản lý nhà nước",
    "đạt 87,5% so với kế hoạch năm", "tăng 12% so với cùng kỳ năm trước",
    "còn một số hạn chế, tồn tại cần khắc phục", "theo chỉ đạo của Thường trực Tỉnh ủy",
    "trước ngày 30 tháng 9", "tại hội nghị giao ban tháng", "và báo cáo kết quả về Sở Nội vụ",
    "góp phần hoàn thành nhiệm vụ chính trị", "bảo đảm công khai, minh bạch"};
constexpr std::array<Words, 12> kTitles = {
    "BÁO CÁO", "QUYẾT ĐỊNH", "KẾ HOẠCH", "TỜ TRÌNH", "CÔNG VĂN", "THÔNG BÁO",
    "BIÊN BẢN HỌP", "CHƯƠNG TRÌNH CÔNG TÁC", "HƯỚNG DẪN", "NGHỊ QUYẾT", "ĐỀ ÁN", "GIẤY MỜI"};
constexpr std::array<Words, 12> kNames = {
    "Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Cường", "Phạm Minh Đức", "Hoàng Thị Hương",
    "Vũ Quốc Khánh", "Đặng Thu Lan", "Bùi Văn Mạnh", "Đỗ Thị Ngọc", "Hồ Sỹ Phúc",
    "Ngô Thanh Quang", "Dương Thị Thảo"};
// Valid province codes for CCCD numbers (a subset of the real list).
constexpr std::array<int, 8> kProvinces = {1, 31, 38, 40, 48, 79, 92, 96};

class Writer {
 public:
  Writer(uint64_t seed, CorpusStats* stats) : rng_(seed), stats_(stats) {
    UErrorCode st = U_ZERO_ERROR;
    nfd_ = icu::Normalizer2::getNFDInstance(st);
    if (U_FAILURE(st)) nfd_ = nullptr;
  }

  // Prose words go through here: a few are decomposed or get a zero-width character inside.
  void Prose(std::string_view phrase) {
    size_t start = 0;
    while (start <= phrase.size()) {
      size_t sp = phrase.find(' ', start);
      if (sp == std::string_view::npos) sp = phrase.size();
      Word(phrase.substr(start, sp - start));
      if (sp < phrase.size()) out_ += ' ';
      start = sp + 1;
    }
  }

  void Sentence() {
    Prose(rng_.Pick(kSubjects));
    out_ += ' ';
    Prose(rng_.Pick(kVerbs));
    out_ += ' ';
    Prose(rng_.Pick(kObjects));
    if (rng_.Chance(600)) {
      out_ += ", ";
      Prose(rng_.Pick(kTails));
    }
    if (rng_.Chance(300)) {
      out_ += "; ";
      Prose(rng_.Pick(kVerbs));
      out_ += ' ';
      Prose(rng_.Pick(kObjects));
    }
    out_ += ". ";
  }

  void Header() {
    out_ += "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n";
    if (rng_.Chance(120)) Sensitive(true);  // a stamp on its own line, sometimes
    out_ += "Số: " + std::to_string(1 + rng_.Below(900)) + "/BC-UBND\n";
    Prose(rng_.Pick(kTitles));
    out_ += "\nVề việc ";
    Prose(rng_.Pick(kObjects));
    out_ += "\n\n";
  }

  void Paragraph() {
    if (rng_.Chance(250)) out_ += std::to_string(1 + rng_.Below(9)) + ". ";
    size_t n = 3 + rng_.Below(5);
    for (size_t i = 0; i < n; ++i) {
      Sentence();
      if (rng_.Chance(35)) Sensitive(false);
    }
    out_ += "\n";
  }

  std::string& out() { return out_; }

 private:
  void Word(std::string_view w) {
    if (nfd_ && rng_.Chance(15) && !IsAscii(w)) {  // ~1.5% of words decomposed
      UErrorCode st = U_ZERO_ERROR;
      std::string d;
      nfd_->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(w.data(), int32_t(w.size()))),
                      st).toUTF8String(d);
      out_ += d;
      if (stats_) ++stats_->nfd_words;
      return;
    }
    if (w.size() > 3 && rng_.Chance(4)) {  // ~0.4%: a zero-width space or joiner inside
      size_t cut = 1;
      while (cut < w.size() && (static_cast<unsigned char>(w[cut]) & 0xC0) == 0x80) ++cut;
      out_.append(w.substr(0, cut));
      out_ += rng_.Chance(500) ? "\u200B" : "\u200D";
      out_.append(w.substr(cut));
      if (stats_) ++stats_->zero_width;
      return;
    }
    out_.append(w);
  }

  static bool IsAscii(std::string_view w) {
    for (unsigned char c : w)
      if (c >= 0x80) return false;
    return true;
  }

  std::string Digits(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += char('0' + rng_.Below(10));
    return s;
  }

  void Sensitive(bool stamp) {
    if (stats_) ++stats_->sensitive_items;
    if (stamp) {
      out_ += rng_.Chance(500) ? "TỐI MẬT\n" : "MẬT\n";
      return;
    }
    const std::string name(rng_.Pick(kNames));
    switch (rng_.Below(5)) {
      case 0: {  // CCCD: province, century/sex digit, birth year, serial
        char buf[8];
        std::snprintf(buf, sizeof buf, "%03d", rng_.Pick(kProvinces));
        out_ += "Ông/bà " + name + ", số CCCD " + buf + std::to_string(rng_.Below(2)) + "8" +
                std::to_string(rng_.Below(10)) + Digits(6) + ". ";
        break;
      }
      case 1:
        out_ += "Liên hệ đồng chí " + name + ", điện thoại 09" + std::to_string(rng_.Below(10)) +
                " " + Digits(3) + " " + Digits(4) + ". ";
        break;
      case 2:
        out_ += "Gửi ý kiến về địa chỉ thư cb" + Digits(3) + "@snv.example.gov.vn. ";
        break;
      case 3:
        out_ += "Chuyển khoản vào tài khoản số " + Digits(13) + " tại Ngân hàng Nông nghiệp. ";
        break;
      default:
        out_ += "Mã số thuế của đơn vị: 0" + Digits(9) + ". ";
        break;
    }
  }

  Rng rng_;
  CorpusStats* stats_;
  const icu::Normalizer2* nfd_ = nullptr;
  std::string out_;
};

constexpr std::array<Words, 8> kLocals = {"an", "binh", "cuong", "duc", "huong", "khanh", "lan",
                                          "ngoc"};
constexpr std::array<Words, 6> kDomains = {"snv.example.gov.vn", "stc.example.gov.vn",
                                           "ubnd.example.vn", "mail.example.com",
                                           "sotuphap.example.gov.vn", "example.edu.vn"};

std::string Pad(std::string s, size_t bytes) {
  size_t cut = bytes;  // back off to a character start, then pad
  while (cut > 0 && cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  s.resize(bytes, ' ');
  return s;
}

}  // namespace

std::string GenerateContactList(size_t bytes, uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(bytes + 512);
  for (size_t line = 1; out.size() < bytes; ++line) {
    out += std::to_string(line) + ". " + std::string(rng.Pick(kNames)) + " - " +
           std::string(rng.Pick(kSubjects)) + "; thư: ";
    const size_t addresses = 1 + rng.Below(3);
    for (size_t a = 0; a < addresses; ++a) {
      if (a > 0) out += ", ";
      out += std::string(rng.Pick(kLocals)) + "." + std::to_string(10 + rng.Below(90000)) + "@" +
             std::string(rng.Pick(kDomains));
    }
    out += "; ĐT: 09" + std::to_string(rng.Below(10)) + " " + std::to_string(100 + rng.Below(900)) +
           " " + std::to_string(1000 + rng.Below(9000)) + "\n";
  }
  return Pad(std::move(out), bytes);
}

std::string GenerateCorpus(size_t bytes, uint64_t seed, CorpusStats* stats) {
  if (stats) *stats = {};
  Writer w(seed, stats);
  w.out().reserve(bytes + 4096);
  while (w.out().size() < bytes) {
    w.Header();
    for (int p = 0; p < 12 && w.out().size() < bytes; ++p) w.Paragraph();
    w.out() += "\n";
  }
  return Pad(std::move(w.out()), bytes);
}

}  // namespace dlp::bench
