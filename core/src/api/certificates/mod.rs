//! Certificates: TLS certificates for load balancers, uploaded by you or issued and renewed
//! by the API (managed).

mod generated;

pub use generated::*;
