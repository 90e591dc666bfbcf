// Preflight: what about this machine would stop a `faultline test` part-way,
// found before the run starts anything (no store, no namespace, no daemon)
// and refused with one sentence that names the fix — exit 64, because the
// environment, not faultline, is at fault. In order: root for a system that
// runs outside faultline; the programs of the local cluster (ip); the
// system's own binary (Db::unavailable); every requested fault
// (Nemesis::unavailable: iptables, tc, sch_netem, libfaketime, a clock the
// system cannot take); a faultline cluster or journaled faults left behind,
// or another run's live cluster; a subnet already in use.
// With --ssh hosts only the SSH client and the journal are checked here: the
// hosts are other machines, and what they lack shows when connecting.
// README's table "When the machine is not ready" lists them, one test each.
#pragma once

#include "harness/test_plan.h"
#include "systems/system.h"

namespace fl {

// Throws UsageError (not root) or EnvironmentError (everything else).
void preflight(const TestPlan& plan, System& system);

}  // namespace fl
