//! The partner aggregate of the Parceiros da Cidadania programme (`parceiro-{uuid}`,
//! docs/DOMAIN.md §6; Lei 9.961/2000 art. 4 XXXVI; Lei 8.078/1990): the institution (a Procon,
//! Ministério Público, Defensoria, court, other consumer-protection body or civil-society
//! organisation), its institutional contacts, and its *acordos de cooperação técnica* with every
//! act on them — signature, publication, renewal, termination, fulfilment of the obligations they
//! list, the partner's quarterly information on operators, and the bulletins ANS issues and sends
//! to it. The agreements live in the partner's stream so the rule that a partner has one
//! agreement in force at a time is decided against one stream and holds under concurrency.
//!
//! A contact person's name is personal data (Lei 13.709/2018): the partner holds only its sealed
//! form ([`SealedPersonalData`]), as a NIP holds its beneficiary; e-mail, phone and address of
//! the institution are not personal data and are kept in clear.
//!
//! **Roles.** DIFIS coordinates the programme (docs/DOMAIN.md §1), and DIFIS officers act as
//! `fiscal`; every programme act is open to `fiscal` and to `diretoria`, and to no other role. A
//! separate coordinator role would ripple into the API's role matrix and officers' tokens for no
//! rule that tells the two apart: nothing in the programme is reserved to the coordinator.
//!
//! The programme-wide bulletin items are in [`programa`], a stream of their own. Agreements
//! themselves are in [`acordo`], with the pure questions the read side asks of them.

pub mod acordo;
pub mod programa;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::acts::{authorize, find_act};
use crate::{Context, DomainError, Emitted, NonEmptyText, Region, SealedPersonalData, Trimestre, Uf};
use acordo::{
    same_number, Acordo, Boletim, CanalEnvio, Cumprimento, Encerramento, Envio, InformacaoTrimestral, LinhaInformacao,
    Obrigacao, Publicacao, Renovacao,
};

/// The programme's legal basis, the basis of every partner act.
pub const NORM: &str = "Lei 9.961/2000 art. 4 XXXVI; Lei 8.078/1990";
/// Agreements the public administration signs: Lei 8.666/1993 art. 116 when the programme began,
/// Lei 14.133/2021 art. 184 today.
pub(crate) const NORM_ACORDO: &str =
    "Lei 9.961/2000 art. 4 XXXVI; Lei 8.078/1990; Lei 8.666/1993 art. 116; Lei 14.133/2021 art. 184";

/// The kind of institution a partner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TipoParceiro {
    Procon,
    MinisterioPublico,
    DefensoriaPublica,
    PoderJudiciario,
    OutroOrgaoDefesaConsumidor,
    OrganizacaoSociedadeCivil,
}

impl TipoParceiro {
    /// pt-BR label.
    pub fn label(self) -> &'static str {
        match self {
            TipoParceiro::Procon => "Procon",
            TipoParceiro::MinisterioPublico => "Ministério Público",
            TipoParceiro::DefensoriaPublica => "Defensoria Pública",
            TipoParceiro::PoderJudiciario => "Poder Judiciário",
            TipoParceiro::OutroOrgaoDefesaConsumidor => "Outro órgão de defesa do consumidor",
            TipoParceiro::OrganizacaoSociedadeCivil => "Organização da sociedade civil",
        }
    }
}

/// The institution's own contacts — not personal data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContatosInstitucionais {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub telefone: Option<String>,
    #[serde(default)]
    pub endereco: Option<String>,
}

impl ContatosInstitucionais {
    /// Trims every contact, drops blank ones and checks the e-mail's shape.
    fn checked(self) -> Result<Self, DomainError> {
        let clean = |t: Option<String>| t.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let email = clean(self.email);
        if let Some(e) = &email {
            let well_formed = e.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
            });
            if !well_formed || e.contains(char::is_whitespace) {
                return Err(DomainError::invalid("contatos.email", format!("e-mail institucional inválido: {e:?}")));
            }
        }
        Ok(ContatosInstitucionais { email, telefone: clean(self.telefone), endereco: clean(self.endereco) })
    }
}

/// The partner's state, folded from its stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParceiroState {
    pub parceiro_id: Option<Uuid>,
    pub tipo: Option<TipoParceiro>,
    pub nome: String,
    pub uf: Option<Uf>,
    pub regiao: Option<Region>,
    /// Name or IBGE code of the município, as given.
    pub municipio: Option<String>,
    pub contatos: ContatosInstitucionais,
    /// The contact person, sealed; never clear text.
    pub responsavel: Option<SealedPersonalData>,
    /// In signature order.
    pub acordos: Vec<Acordo>,
}

/// Events of a partner stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type")]
pub enum ParceiroEvent {
    #[serde(rename = "parceiro.cadastrado")]
    Cadastrado {
        parceiro_id: Uuid,
        tipo: TipoParceiro,
        nome: String,
        uf: Uf,
        regiao: Region,
        municipio: Option<String>,
        contatos: ContatosInstitucionais,
        responsavel: Option<SealedPersonalData>,
    },
    #[serde(rename = "parceiro.acordo_assinado")]
    AcordoAssinado {
        numero: String,
        assinatura: NaiveDate,
        vigencia_inicio: NaiveDate,
        vigencia_fim: NaiveDate,
        obrigacoes: Vec<Obrigacao>,
        documento: String,
    },
    #[serde(rename = "parceiro.acordo_publicado")]
    AcordoPublicado { numero: String, publicacao: Publicacao },
    #[serde(rename = "parceiro.acordo_renovado")]
    AcordoRenovado { numero: String, renovacao: Renovacao },
    #[serde(rename = "parceiro.acordo_encerrado")]
    AcordoEncerrado { numero: String, encerramento: Encerramento },
    #[serde(rename = "parceiro.obrigacao_cumprida")]
    ObrigacaoCumprida { numero: String, cumprimento: Cumprimento },
    /// A first submission (`versao` 1) or a correction that replaces the previous version.
    #[serde(rename = "parceiro.informacao_trimestral_registrada")]
    InformacaoTrimestralRegistrada { numero: String, informacao: InformacaoTrimestral },
    #[serde(rename = "parceiro.boletim_emitido")]
    BoletimEmitido {
        numero: String,
        trimestre: Trimestre,
        emitido_em: NaiveDate,
        conteudo: serde_json::Value,
        sha256: String,
    },
    #[serde(rename = "parceiro.boletim_enviado")]
    BoletimEnviado { numero: String, trimestre: Trimestre, envio: Envio },
}

/// Acts on a partner (the JSON `act` tag is the catalogue name). Acts on an agreement name it by
/// its number (`acordo`), compared by letters and digits only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames)]
#[serde(tag = "act", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ParceiroCommand {
    CadastrarParceiro {
        tipo: TipoParceiro,
        nome: NonEmptyText,
        uf: Uf,
        #[serde(default)]
        municipio: Option<String>,
        #[serde(default)]
        contatos: ContatosInstitucionais,
        /// The contact person, sealed at the edge like a complainant.
        #[serde(default)]
        responsavel: Option<SealedPersonalData>,
    },
    AssinarAcordo {
        numero: NonEmptyText,
        assinatura: NaiveDate,
        vigencia_inicio: NaiveDate,
        vigencia_fim: NaiveDate,
        obrigacoes: Vec<Obrigacao>,
        documento: NonEmptyText,
    },
    PublicarAcordo {
        acordo: String,
        data: NaiveDate,
        /// The DOU extract or the publishing document.
        documento: NonEmptyText,
    },
    /// Renews on the act's legal date, which must fall within the validity.
    RenovarAcordo {
        acordo: String,
        nova_vigencia_fim: NaiveDate,
        documento: NonEmptyText,
    },
    EncerrarAcordo {
        acordo: String,
        data: NaiveDate,
        motivo: NonEmptyText,
        documento: NonEmptyText,
    },
    RegistrarCumprimentoObrigacao {
        acordo: String,
        obrigacao: Obrigacao,
        data: NaiveDate,
        trimestre: Trimestre,
        descricao: NonEmptyText,
        documento: NonEmptyText,
    },
    /// The partner's information for a quarter; a second one for the same quarter corrects it.
    RegistrarInformacaoTrimestral {
        acordo: String,
        trimestre: Trimestre,
        linhas: Vec<LinhaInformacao>,
        documento: NonEmptyText,
    },
    /// Issues, on the act's legal date, the bulletin of an ended quarter with its frozen content.
    EmitirBoletim {
        acordo: String,
        trimestre: Trimestre,
        conteudo: serde_json::Value,
        /// Hex SHA-256 of the content, computed by the caller.
        sha256: String,
    },
    RegistrarEnvioBoletim {
        acordo: String,
        trimestre: Trimestre,
        data: NaiveDate,
        canal: CanalEnvio,
        documento: NonEmptyText,
    },
}

impl ParceiroCommand {
    /// The act that registers a partner, the first of its stream.
    pub const REGISTRATION: &'static str = "cadastrar_parceiro";

    /// The catalogue name of the act.
    pub fn act(&self) -> &'static str {
        self.into()
    }
}

impl ParceiroState {
    /// Folds one event; never fails and holds no business rule.
    pub fn evolve(&mut self, event: &ParceiroEvent) {
        use ParceiroEvent as E;
        match event {
            E::Cadastrado { parceiro_id, tipo, nome, uf, regiao, municipio, contatos, responsavel } => {
                self.parceiro_id = Some(*parceiro_id);
                self.tipo = Some(*tipo);
                self.nome.clone_from(nome);
                self.uf = Some(*uf);
                self.regiao = Some(*regiao);
                self.municipio.clone_from(municipio);
                self.contatos = contatos.clone();
                self.responsavel.clone_from(responsavel);
            }
            E::AcordoAssinado { numero, assinatura, vigencia_inicio, vigencia_fim, obrigacoes, documento } => {
                self.acordos.push(Acordo {
                    numero: numero.clone(),
                    assinatura: *assinatura,
                    vigencia_inicio: *vigencia_inicio,
                    vigencia_fim: *vigencia_fim,
                    obrigacoes: obrigacoes.clone(),
                    documento: documento.clone(),
                    publicacao: None,
                    renovacoes: Vec::new(),
                    encerramento: None,
                    cumprimentos: Vec::new(),
                    informacoes: Vec::new(),
                    boletins: Vec::new(),
                })
            }
            E::AcordoPublicado { numero, publicacao } => {
                self.with_acordo(numero, |a| a.publicacao = Some(publicacao.clone()))
            }
            E::AcordoRenovado { numero, renovacao } => self.with_acordo(numero, |a| {
                a.vigencia_fim = renovacao.nova_vigencia_fim;
                a.renovacoes.push(renovacao.clone());
            }),
            E::AcordoEncerrado { numero, encerramento } => {
                self.with_acordo(numero, |a| a.encerramento = Some(encerramento.clone()))
            }
            E::ObrigacaoCumprida { numero, cumprimento } => {
                self.with_acordo(numero, |a| a.cumprimentos.push(cumprimento.clone()))
            }
            E::InformacaoTrimestralRegistrada { numero, informacao } => self.with_acordo(numero, |a| {
                a.informacoes.retain(|i| i.trimestre != informacao.trimestre);
                a.informacoes.push(informacao.clone());
                a.informacoes.sort_by_key(|i| i.trimestre);
            }),
            E::BoletimEmitido { numero, trimestre, emitido_em, conteudo, sha256 } => self.with_acordo(numero, |a| {
                a.boletins.push(Boletim {
                    trimestre: *trimestre,
                    emitido_em: *emitido_em,
                    conteudo: conteudo.clone(),
                    sha256: sha256.clone(),
                    envios: Vec::new(),
                });
                a.boletins.sort_by_key(|b| b.trimestre);
            }),
            E::BoletimEnviado { numero, trimestre, envio } => self.with_acordo(numero, |a| {
                if let Some(b) = a.boletins.iter_mut().find(|b| b.trimestre == *trimestre) {
                    b.envios.push(envio.clone());
                }
            }),
        }
    }

    /// Applies `change` to the agreement an event names (events carry the number as stored).
    fn with_acordo(&mut self, numero: &str, change: impl FnOnce(&mut Acordo)) {
        if let Some(a) = self.acordos.iter_mut().find(|a| a.numero == numero) {
            change(a);
        }
    }

    /// Whether the partner was registered.
    pub fn is_registered(&self) -> bool {
        self.parceiro_id.is_some()
    }

    /// The agreement numbered `numero` (by letters and digits).
    pub fn acordo(&self, numero: &str) -> Option<&Acordo> {
        self.acordos.iter().find(|a| same_number(&a.numero, numero))
    }

    /// The agreements in force on `date`.
    pub fn acordos_vigentes_em(&self, date: NaiveDate) -> Vec<&Acordo> {
        self.acordos.iter().filter(|a| a.vigente_em(date)).collect()
    }

    /// Every bulletin issued to the partner, with the number of the agreement it was issued under.
    pub fn boletins_emitidos(&self) -> Vec<(&str, &Boletim)> {
        self.acordos.iter().flat_map(|a| a.boletins.iter().map(move |b| (a.numero.as_str(), b))).collect()
    }
}

fn not_after_today(field: &str, date: NaiveDate, ctx: &Context<'_>) -> Result<(), DomainError> {
    if date > ctx.today {
        return Err(DomainError::invalid(field, format!("data futura: {date} (ato de {})", ctx.today)));
    }
    Ok(())
}

/// The agreement an act names, which must exist and not be terminated.
///
/// # Errors
/// `Invalid` (`acordo`) for an unknown number; `Rule` `acordo.encerrado` for a terminated one.
fn open_agreement<'s>(state: &'s ParceiroState, numero: &str) -> Result<&'s Acordo, DomainError> {
    let acordo = state
        .acordo(numero)
        .ok_or_else(|| DomainError::invalid("acordo", format!("o parceiro não tem acordo de número {numero:?}")))?;
    if let Some(e) = &acordo.encerramento {
        return Err(DomainError::rule(
            "acordo.encerrado",
            NORM_ACORDO,
            format!("o acordo {} foi encerrado em {}; nenhum ato é praticado sobre ele", acordo.numero, e.data),
        ));
    }
    Ok(acordo)
}

/// Refuses a validity that would share a day with another agreement's time in force.
fn require_no_overlap(
    state: &ParceiroState,
    except: Option<&str>,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<(), DomainError> {
    let other = state.acordos.iter().filter(|a| except != Some(a.numero.as_str())).find(|a| a.sobrepoe(start, end));
    if let Some(other) = other {
        return Err(DomainError::rule(
            "acordo.segundo_acordo_vigente",
            NORM_ACORDO,
            format!(
                "o parceiro já tem o acordo {} com vigência de {} a {}; um novo acordo só começa depois que ele termina ou é encerrado",
                other.numero,
                other.vigencia_inicio,
                other.ultimo_dia()
            ),
        ));
    }
    Ok(())
}

/// Refuses a quarter the agreement was never in force in.
fn require_covered(acordo: &Acordo, trimestre: Trimestre) -> Result<(), DomainError> {
    if !acordo.cobre(trimestre) {
        return Err(DomainError::rule(
            "acordo.trimestre_fora_da_vigencia",
            NORM_ACORDO,
            format!(
                "o trimestre {trimestre} está fora da vigência do acordo {} ({} a {})",
                acordo.numero,
                acordo.vigencia_inicio,
                acordo.ultimo_dia()
            ),
        ));
    }
    Ok(())
}

/// Validates the rows of a quarterly information: at least one, each counting at least one
/// demand, no operator and theme twice.
fn checked_rows(linhas: Vec<LinhaInformacao>) -> Result<Vec<LinhaInformacao>, DomainError> {
    if linhas.is_empty() {
        return Err(DomainError::invalid("linhas", "informe ao menos uma linha (operadora, tema, quantidade)"));
    }
    for (i, linha) in linhas.iter().enumerate() {
        if linha.quantidade == 0 {
            return Err(DomainError::invalid(
                "linhas",
                format!("linha {}: a quantidade deve ser ao menos 1 (operadora {})", i + 1, linha.registro),
            ));
        }
        if linhas[..i].iter().any(|l| l.registro == linha.registro && l.tema == linha.tema) {
            return Err(DomainError::invalid(
                "linhas",
                format!("linha {}: operadora {} e tema {} repetidos", i + 1, linha.registro, linha.tema.label()),
            ));
        }
    }
    Ok(linhas)
}

/// Checks the shape of a hex SHA-256 and lowers its case.
fn checked_sha256(sha256: &str) -> Result<String, DomainError> {
    let sha256 = sha256.trim();
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DomainError::invalid("sha256", "esperado o SHA-256 do conteúdo em 64 dígitos hexadecimais"));
    }
    Ok(sha256.to_ascii_lowercase())
}

/// Decides an act on a partner of the programme.
///
/// # Errors
/// `Forbidden` for a role not allowed; `Rule` for a refusal of the programme's rules (ids
/// `parceiro.*`, `acordo.*`, `boletim.*`); `Invalid` for inconsistent input.
pub fn decide_parceiro(
    state: &ParceiroState,
    command: ParceiroCommand,
    ctx: &Context<'_>,
) -> Result<Vec<Emitted>, DomainError> {
    use ParceiroCommand as C;
    use ParceiroEvent as E;
    authorize(find_act(command.act())?, ctx)?;
    let id = ctx.parceiro_id()?;
    let one = |event, basis: &str, doc: Option<&str>| Ok(vec![Emitted::parceiro(id, event, ctx, basis, doc)]);
    if let C::CadastrarParceiro { tipo, nome, uf, municipio, contatos, responsavel } = command {
        if state.is_registered() {
            return Err(DomainError::rule(
                "parceiro.ja_cadastrado",
                NORM,
                format!("o parceiro {} já está cadastrado", state.nome),
            ));
        }
        if let Some(r) = &responsavel {
            r.validate("responsavel")?;
        }
        let municipio = municipio.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
        let event = E::Cadastrado {
            parceiro_id: id,
            tipo,
            nome: String::from(nome),
            uf,
            regiao: uf.region(),
            municipio,
            contatos: contatos.checked()?,
            responsavel,
        };
        return one(event, NORM, None);
    }
    if !state.is_registered() {
        return Err(DomainError::rule("parceiro.nao_cadastrado", NORM, "parceiro não cadastrado no programa"));
    }
    match command {
        C::CadastrarParceiro { .. } => Err(DomainError::invalid("act", "cadastro tratado acima")),
        C::AssinarAcordo { numero, assinatura, vigencia_inicio, vigencia_fim, obrigacoes, documento } => {
            let numero = String::from(numero);
            if let Some(existing) = state.acordo(&numero) {
                return Err(DomainError::rule(
                    "acordo.numero_ja_registrado",
                    NORM_ACORDO,
                    format!("o parceiro já tem o acordo {}", existing.numero),
                ));
            }
            not_after_today("assinatura", assinatura, ctx)?;
            if vigencia_inicio < assinatura {
                return Err(DomainError::invalid("vigencia_inicio", "a vigência não pode começar antes da assinatura"));
            }
            if vigencia_fim <= vigencia_inicio {
                return Err(DomainError::invalid("vigencia_fim", "o fim da vigência deve ser posterior ao início"));
            }
            if obrigacoes.is_empty() {
                return Err(DomainError::invalid("obrigacoes", "o acordo deve listar ao menos uma obrigação"));
            }
            if let Some(o) = obrigacoes.iter().enumerate().find(|(i, o)| obrigacoes[..*i].contains(o)).map(|(_, o)| o) {
                return Err(DomainError::invalid("obrigacoes", format!("obrigação repetida: {}", o.label())));
            }
            require_no_overlap(state, None, vigencia_inicio, vigencia_fim)?;
            let documento = String::from(documento);
            let event = E::AcordoAssinado {
                numero,
                assinatura,
                vigencia_inicio,
                vigencia_fim,
                obrigacoes,
                documento: documento.clone(),
            };
            one(event, NORM_ACORDO, Some(&documento))
        }
        C::PublicarAcordo { acordo, data, documento } => {
            let acordo = open_agreement(state, &acordo)?;
            if acordo.publicacao.is_some() {
                return Err(DomainError::rule(
                    "acordo.ja_publicado",
                    NORM_ACORDO,
                    format!("o acordo {} já foi publicado", acordo.numero),
                ));
            }
            not_after_today("data", data, ctx)?;
            if data < acordo.assinatura {
                return Err(DomainError::invalid("data", "a publicação não pode anteceder a assinatura"));
            }
            let documento = String::from(documento);
            let publicacao = Publicacao { data, documento: documento.clone() };
            one(E::AcordoPublicado { numero: acordo.numero.clone(), publicacao }, NORM_ACORDO, Some(&documento))
        }
        C::RenovarAcordo { acordo, nova_vigencia_fim, documento } => {
            let acordo = open_agreement(state, &acordo)?;
            if ctx.today > acordo.vigencia_fim {
                return Err(DomainError::rule(
                    "acordo.renovacao_apos_vigencia",
                    NORM_ACORDO,
                    format!(
                        "a vigência do acordo {} terminou em {}; um acordo expirado não se renova, assina-se outro",
                        acordo.numero, acordo.vigencia_fim
                    ),
                ));
            }
            if nova_vigencia_fim <= acordo.vigencia_fim {
                return Err(DomainError::invalid(
                    "nova_vigencia_fim",
                    format!("a renovação deve estender a vigência além de {}", acordo.vigencia_fim),
                ));
            }
            require_no_overlap(state, Some(&acordo.numero), acordo.vigencia_inicio, nova_vigencia_fim)?;
            let documento = String::from(documento);
            let renovacao = Renovacao {
                em: ctx.today,
                vigencia_fim_anterior: acordo.vigencia_fim,
                nova_vigencia_fim,
                documento: documento.clone(),
            };
            one(E::AcordoRenovado { numero: acordo.numero.clone(), renovacao }, NORM_ACORDO, Some(&documento))
        }
        C::EncerrarAcordo { acordo, data, motivo, documento } => {
            let acordo = open_agreement(state, &acordo)?;
            not_after_today("data", data, ctx)?;
            if data < acordo.assinatura {
                return Err(DomainError::invalid("data", "o encerramento não pode anteceder a assinatura"));
            }
            if data > acordo.vigencia_fim {
                return Err(DomainError::invalid(
                    "data",
                    format!(
                        "a vigência do acordo terminou em {}; não há o que encerrar depois dela",
                        acordo.vigencia_fim
                    ),
                ));
            }
            let documento = String::from(documento);
            let encerramento = Encerramento { data, motivo: String::from(motivo), documento: documento.clone() };
            one(E::AcordoEncerrado { numero: acordo.numero.clone(), encerramento }, NORM_ACORDO, Some(&documento))
        }
        C::RegistrarCumprimentoObrigacao { acordo, obrigacao, data, trimestre, descricao, documento } => {
            let acordo = open_agreement(state, &acordo)?;
            if !acordo.obrigacoes.contains(&obrigacao) {
                return Err(DomainError::rule(
                    "acordo.obrigacao_nao_pactuada",
                    NORM_ACORDO,
                    format!("o acordo {} não lista a obrigação \"{}\"", acordo.numero, obrigacao.label()),
                ));
            }
            if data < acordo.assinatura {
                return Err(DomainError::rule(
                    "acordo.cumprimento_antes_da_assinatura",
                    NORM_ACORDO,
                    format!("o acordo {} só foi assinado em {}", acordo.numero, acordo.assinatura),
                ));
            }
            not_after_today("data", data, ctx)?;
            if trimestre > Trimestre::of(data) {
                return Err(DomainError::invalid(
                    "trimestre",
                    "o cumprimento não conta para um trimestre posterior à sua data",
                ));
            }
            require_covered(acordo, trimestre)?;
            let documento = String::from(documento);
            let cumprimento = Cumprimento {
                obrigacao,
                data,
                trimestre,
                descricao: String::from(descricao),
                documento: documento.clone(),
            };
            one(E::ObrigacaoCumprida { numero: acordo.numero.clone(), cumprimento }, NORM_ACORDO, Some(&documento))
        }
        C::RegistrarInformacaoTrimestral { acordo, trimestre, linhas, documento } => {
            let acordo = open_agreement(state, &acordo)?;
            require_covered(acordo, trimestre)?;
            if trimestre.first_day() > ctx.today {
                return Err(DomainError::invalid("trimestre", format!("o trimestre {trimestre} ainda não começou")));
            }
            let versao = acordo.informacao(trimestre).map_or(1, |i| i.versao + 1);
            let documento = String::from(documento);
            let informacao =
                InformacaoTrimestral { trimestre, linhas: checked_rows(linhas)?, documento: documento.clone(), versao };
            one(E::InformacaoTrimestralRegistrada { numero: acordo.numero.clone(), informacao }, NORM, Some(&documento))
        }
        C::EmitirBoletim { acordo, trimestre, conteudo, sha256 } => {
            let acordo = open_agreement(state, &acordo)?;
            if !trimestre.has_ended(ctx.today) {
                return Err(DomainError::rule(
                    "boletim.trimestre_nao_encerrado",
                    NORM,
                    format!("o boletim de {trimestre} só é emitido depois de {}", trimestre.last_day()),
                ));
            }
            require_covered(acordo, trimestre)?;
            if acordo.boletim(trimestre).is_some() {
                return Err(DomainError::rule(
                    "boletim.ja_emitido",
                    NORM,
                    format!("o boletim de {trimestre} já foi emitido para o acordo {}", acordo.numero),
                ));
            }
            if !conteudo.is_object() {
                return Err(DomainError::invalid("conteudo", "o conteúdo do boletim deve ser um objeto JSON"));
            }
            let sha256 = checked_sha256(&sha256)?;
            let event =
                E::BoletimEmitido { numero: acordo.numero.clone(), trimestre, emitido_em: ctx.today, conteudo, sha256 };
            one(event, NORM, None)
        }
        C::RegistrarEnvioBoletim { acordo, trimestre, data, canal, documento } => {
            let acordo = open_agreement(state, &acordo)?;
            let Some(boletim) = acordo.boletim(trimestre) else {
                return Err(DomainError::rule(
                    "boletim.nao_emitido",
                    NORM,
                    format!("o boletim de {trimestre} não foi emitido para o acordo {}", acordo.numero),
                ));
            };
            not_after_today("data", data, ctx)?;
            if data < boletim.emitido_em {
                return Err(DomainError::invalid("data", "o envio não pode anteceder a emissão do boletim"));
            }
            let documento = String::from(documento);
            let envio = Envio { data, canal, documento: documento.clone() };
            one(E::BoletimEnviado { numero: acordo.numero.clone(), trimestre, envio }, NORM, Some(&documento))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::programa::ProgramaCommand;
    use super::*;

    #[test]
    fn every_programme_act_of_the_catalogue_is_a_command_of_exactly_one_stream() {
        for info in crate::acts::programme_act_catalogue() {
            let value = serde_json::json!({ "act": info.name });
            let errors = [
                serde_json::from_value::<ParceiroCommand>(value.clone()).map(|_| ()).unwrap_err().to_string(),
                serde_json::from_value::<ProgramaCommand>(value).map(|_| ()).unwrap_err().to_string(),
            ];
            let unknown = errors.iter().filter(|e| e.contains("unknown variant")).count();
            assert_eq!(unknown, 1, "{}: {errors:?}", info.name);
        }
    }

    #[test]
    fn the_partner_acts_are_those_of_a_partner_stream_after_its_registration() {
        use strum::VariantNames;
        let partner: Vec<&str> = crate::acts::partner_acts().map(|a| a.name).collect();
        let items: Vec<&str> = crate::acts::programme_item_acts().map(|a| a.name).collect();
        assert!(ParceiroCommand::VARIANTS.contains(&ParceiroCommand::REGISTRATION));
        assert!(
            !partner.contains(&ParceiroCommand::REGISTRATION) && partner.contains(&"assinar_acordo"),
            "{partner:?}"
        );
        assert_eq!(items, ["incluir_item_boletim", "retirar_item_boletim"]);
        assert_eq!(partner.len() + items.len() + 1, crate::acts::programme_act_catalogue().len());
    }

    #[test]
    fn institutional_contacts_are_trimmed_and_the_email_checked() {
        let contatos = ContatosInstitucionais {
            email: Some(" ouvidoria@mpmg.mp.br ".into()),
            telefone: Some("  ".into()),
            endereco: Some(" Av. Álvares Cabral, 1690 ".into()),
        };
        let checked = contatos.checked().unwrap();
        assert_eq!(checked.email.as_deref(), Some("ouvidoria@mpmg.mp.br"));
        assert_eq!((checked.telefone, checked.endereco.as_deref()), (None, Some("Av. Álvares Cabral, 1690")));
        for email in ["ouvidoria", "@mpmg.mp.br", "ouvidoria@mpmg", "ouvidoria@.br", "ouvi doria@mpmg.mp.br"] {
            let contatos = ContatosInstitucionais { email: Some(email.into()), ..ContatosInstitucionais::default() };
            assert!(contatos.checked().is_err(), "{email}");
        }
    }
}
