//! autos-domain: the ANS fiscalização domain, pure and free of IO.
