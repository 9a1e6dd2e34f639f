// PeopleCounter (agent/src/people_counter.h): how contact values on lines become people for the
// aggregate rules, at sizes that make its tables grow many times.
#include "people_counter.h"

#include <catch2/catch.hpp>

#include <cstdint>

namespace dlp {
namespace {

constexpr int kPhone = 1, kEmail = 2;

TEST_CASE("People: one per value, joined across types on a line, never within a type",
          "[people]") {
  PeopleCounter c;
  CHECK(c.People() == 0);
  c.Add(100, 7, kPhone);  // a signature: phone and e-mail on one line are one person
  c.Add(200, 7, kEmail);
  CHECK(c.People() == 1);
  c.Add(300, 8, kEmail);  // "To: a@x; b@x": two e-mails on one line are two people
  c.Add(400, 8, kEmail);
  CHECK(c.People() == 3);
  c.Add(100, 9, kPhone);  // the same phone again elsewhere is the same person...
  c.Add(300, 9, kEmail);  // ...and here it joins the first e-mail of line 8 to that person
  CHECK(c.People() == 2);
}

TEST_CASE("People: counts stay exact over many values and lines", "[people]") {
  // 20,000 rows of a list, each a phone and an e-mail (one person per row), every value
  // repeated once on a later line of its own, and line keys as close together as offsets are.
  PeopleCounter c;
  constexpr uint64_t kRows = 20000;
  for (uint64_t r = 0; r < kRows; ++r) {
    c.Add(r * 0x9E3779B97F4A7C15ull, r * 40, kPhone);
    c.Add(~r, r * 40, kEmail);
  }
  for (uint64_t r = 0; r < kRows; r += 2) c.Add(~r, kRows * 40 + r, kEmail);
  CHECK(c.People() == kRows);
  // One more line with a phone of row 0 and an e-mail of row 1 makes those rows one person.
  c.Add(0, 1, kPhone);
  c.Add(~uint64_t{1}, 1, kEmail);
  CHECK(c.People() == kRows - 1);
}

}  // namespace
}  // namespace dlp
