// The page's script and style sheet, embedded at build time from
// report/assets/report.js and report.css (CMake reads them into a generated
// source, with the SHA-256 of each, which the page's Content Security Policy
// names so that no other script or style can run).
#pragma once

namespace fl::report_assets {

extern const char kScript[];
extern const char kScriptSha256[];  // hex
extern const char kStyle[];
extern const char kStyleSha256[];   // hex

}  // namespace fl::report_assets
