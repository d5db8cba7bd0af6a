/* SPDX-License-Identifier: MIT */
/*
 * The ARMv8-A memory-system model: one include for the whole public API.
 * See docs/mmu.md for usage and docs/fidelity.md for what is modelled.
 */
#ifndef MMU_MMU_H
#define MMU_MMU_H

#include "types.h"
#include "regime.h"
#include "desc.h"
#include "trace.h"
#include "walk.h"
#include "fault.h"
#include "at.h"
#include "tlbi.h"
#include "tlb.h"
#include "cache.h"
#include "check.h"
#include "dump.h"

#endif
