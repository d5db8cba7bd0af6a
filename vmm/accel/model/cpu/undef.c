/* An instruction the model treats as UNDEFINED (not allocated, or not modelled) is
 * reported to the environment once per encoding, with its PC and encoding, so that a
 * guest that dies of SIGILL or an "Oops - undefined instruction" says which
 * instruction the model lacks. The report itself (wording, disassembly, rate limit) is
 * the environment's: engine/undef.c for the VMM. */
#include "cpu/cpu.h"
#include "engine/vm.h"
#include "mem/xlat.h"

void undef__note(struct cpu *c)
{
	const struct model_env *env = c->vm->env;
	struct xlat_out o;
	struct xlat_fault f;
	uint32_t insn;
	const void *p;
	if (!env->undef || (c->pc & 3))
		return;
	/* the fetch that decoded it succeeded a moment ago: the same translation again */
	if (xlat__translate(c, c->pc, c->mmu_idx, ACC_EXEC, &o, &f) ||
	    !(p = vm__ram(c->vm, o.pa, 4)))
		return;
	memcpy(&insn, p, 4);
	env->undef(c->vm->env_opaque, c, c->pc, insn);
}
