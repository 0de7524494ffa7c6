"""A hand-written action library for pddl/blockworld (and pddl-gen/blockworld).

The basic actions pickup(ob), putdown(ob), stack(ob, underob) and unstack(ob, underob) are
bound as globals when this runs in the sandbox; each returns the observation text and
raises ActionFailed if the environment rejects it. The code cannot see the state before
its first action, so the caller says where a block is.
"""


def move_block(block, from_, to):
    """Move a clear block from where it is (from_: 'table' or the block it is on) onto to
    ('table' or a clear block). The arm must be empty; it is empty again afterwards.
    Returns the state after the block is put down."""
    if from_ == "table":
        pickup(block)
    else:
        unstack(block, from_)
    if to == "table":
        return putdown(block)
    return stack(block, to)


def build_tower(blocks):
    """Build one tower from blocks listed bottom to top (a list, or names separated by
    commas), each clear and on the table except the bottom one, which stays where it is.
    The arm must be empty. Returns the state after the last block is stacked."""
    if isinstance(blocks, str):
        blocks = [b.strip() for b in blocks.split(",") if b.strip()]
    result = ""
    for i in range(1, len(blocks)):
        pickup(blocks[i])
        result = stack(blocks[i], blocks[i - 1])
    return result
