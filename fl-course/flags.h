// Flags: fl-course's command line — `--name value`, `--name=value`, or
// `--name` alone (a switch, read as "true") — parsed once and then asked for
// by name. Every flag given must be declared by the node or by its design
// (check_known), so a typo is an error that names the known flags, never a
// silently ignored knob. Errors are FlagError: one sentence, exit 64.
// Not thread-safe for writing; read-only after parse, so safe to share.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace course {

// A mistake on the command line (fl-course exits 64 with this sentence).
class FlagError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One flag a node or a design understands. `value` names the argument
// ("N", "local|primary"); an empty `value` makes it a switch.
struct FlagSpec {
  std::string name;   // without the dashes: "read-repair"
  std::string value;  // "" = switch
  std::string help;
};

class Flags {
 public:
  static Flags parse(int argc, char** argv);  // throws FlagError
  static Flags parse(const std::vector<std::string>& args);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string text(const std::string& name, const std::string& fallback = "") const;
  std::int64_t integer(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  // A switch: absent = false; "--x", "--x true", "--x 1" = true; "--x false", "--x 0" = false.
  bool on(const std::string& name) const;
  // One of `allowed`; the fallback if absent.
  std::string choice(const std::string& name, const std::string& fallback,
                     const std::vector<std::string>& allowed) const;

  // Throws FlagError naming the first flag that is in neither list.
  void check_known(const std::vector<FlagSpec>& node, const std::vector<FlagSpec>& design,
                   const std::string& design_name) const;

 private:
  std::map<std::string, std::string> values_;
};

// "--a N, --b" — for messages and --help.
std::string describe_flags(const std::vector<FlagSpec>& specs);

}  // namespace course
