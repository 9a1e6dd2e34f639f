// A deterministic generator of synthetic Vietnamese administrative prose for benchmarks.
//
// The text looks like what officials paste: report and decision headers, numbered sections,
// long sentences of administrative vocabulary, and sparse sensitive items (ID numbers, phone
// numbers, e-mail addresses, bank accounts, a secrecy stamp now and then). Some words arrive
// decomposed (NFD, as macOS and some PDF exports produce) and some carry zero-width characters,
// so the normalizer's slow paths are exercised at a realistic rate. All names and numbers are
// invented; the same seed and size always give the same bytes.
#ifndef DLP_BENCH_CORPUS_H_
#define DLP_BENCH_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace dlp::bench {

struct CorpusStats {
  size_t sensitive_items = 0;  // ID numbers, phones, e-mails, accounts, stamps inserted
  size_t nfd_words = 0;        // words written decomposed
  size_t zero_width = 0;       // zero-width characters inserted
};

// Exactly `bytes` bytes of valid UTF-8 (cut at a character boundary and padded with spaces).
std::string GenerateCorpus(size_t bytes, uint64_t seed = 1, CorpusStats* stats = nullptr);

// Exactly `bytes` bytes of a contact list, as exported from an address book or a staff
// directory: a numbered line per person with a unit, one to three e-mail addresses and a phone
// number. Dense with findings (an address every ~45 bytes), unlike GenerateCorpus's prose: it
// measures what a bulk export costs the confirm step. Invented names and addresses.
std::string GenerateContactList(size_t bytes, uint64_t seed = 1);

}  // namespace dlp::bench

#endif  // DLP_BENCH_CORPUS_H_
