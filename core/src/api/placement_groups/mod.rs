//! Placement groups: keep servers apart on different hosts (`spread`).

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreatePlacementGroup => PlacementGroup via ListPlacementGroups, "placement group",
    name(asked) Some(&asked.name),
    created(output: CreatedPlacementGroup) &output.placement_group,
    actions,
    differ(asked, found) {
        "type": Some(&asked.kind) => [found.kind],
    },
}
