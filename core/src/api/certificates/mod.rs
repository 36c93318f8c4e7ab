//! Certificates: TLS certificates for load balancers, uploaded by you or issued and renewed
//! by the API (managed).

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateCertificate => Certificate via ListCertificates, "certificate",
    name(asked) Some(&asked.name),
    created(output: CreatedCertificate) &output.certificate,
    actions,
    running(certificate) certificate.id,
    differ(asked, found) {
        "type": asked.kind.as_ref() => [found.kind.as_ref().map_or("", |kind| kind.as_str())],
    },
}
