//! Zones: DNS zones, primary or secondary, and their record sets (RRSets).

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateZone => Zone via ListZones, "zone",
    name(asked) Some(&asked.name),
    created(output: CreatedZone) &output.zone,
    actions,
    running(zone) crate::ids::IdOrName::Id(zone.id),
    differ(asked, found) {
        "mode": Some(&asked.mode) => [found.mode],
    },
}
