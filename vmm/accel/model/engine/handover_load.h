/* The model engine created from another engine's state (docs/handover.md). */
#ifndef MODEL_HANDOVER_LOAD_H
#define MODEL_HANDOVER_LOAD_H

struct model;
struct vm_state;

/* Load st into a freshly created model VM (model.c's create): 0, or -1 after
 * machine__error() saying what the model cannot hold. */
int model_handover__load(struct model *md, const struct vm_state *st);

#endif
