// concsim validate FILE: load and compile without running.
#include <iostream>
#include <sstream>

#include "app/cli/command.h"
#include "app/load/machine.h"
#include "app/load/workload.h"
#include "models/vm/compiler.h"
#include "models/program/program.h"

namespace concsim::cli {

std::string validate_help() {
  std::ostringstream out;
  out << "Usage: concsim validate FILE [--set K=V]... [--disassemble]\n\n"
         "Loads and compiles FILE and reports the first error, with file, line,\n"
         "column and key, or \"ok\".\n\n";
  out << workload_options() << "\n  --disassemble         print the compiled bytecode\n";
  return out.str();
}

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add(workload_options());
  desc.add_options()("disassemble", "print the compiled bytecode");
  const po::variables_map vm = parse(args, desc, "validate");
  const std::string path = files(vm)[0];
  const load::Workload w = load::load_workload(load_document(path, vm));
  load::load_machine(w.machine);  // the profile must load too, as run needs it
  if (w.python) {
    if (vm.count("disassemble")) std::cout << vm::disassemble(*w.python);
    std::size_t instructions = 0;
    for (const auto& c : w.python->codes) instructions += c->code.size();
    std::cout << path << ": ok (" << w.python->codes.size() << " code objects, " << instructions << " instructions)\n";
    return kOk;
  }
  if (vm.count("disassemble")) std::cout << models::disassemble(w.compiled);
  std::cout << path << ": ok (" << w.compiled.functions.size() << " functions, " << w.compiled.code.size()
            << " instructions)\n";
  return kOk;
}

}  // namespace concsim::cli
