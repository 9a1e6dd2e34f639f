// The embedded YAML files of the default pack (generated into the build tree).
#ifndef DLP_RULES_DEFAULT_PACK_DATA_H_
#define DLP_RULES_DEFAULT_PACK_DATA_H_

namespace dlp {

struct EmbeddedPackFile {
  const char* name;
  const char* text;
};
extern const EmbeddedPackFile kDefaultPackFiles[];
extern const int kDefaultPackFileCount;

}  // namespace dlp

#endif  // DLP_RULES_DEFAULT_PACK_DATA_H_
