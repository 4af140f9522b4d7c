//! The catalogue of acts: for each command its stable name (the JSON `act` tag), the roles that
//! may perform it (docs/ARCHITECTURE.md §6), the case families it applies to and a pt-BR label. The
//! API renders forms from it; `decide_*` checks permissions against it, so there is one list.

use serde::{Deserialize, Serialize};

use crate::{Context, DomainError, Role};

/// The case families of docs/DOMAIN.md §2.2–2.11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    DirecaoFiscal,
    DirecaoTecnica,
    LiquidacaoExtrajudicial,
    AlienacaoCarteira,
    Tcac,
    Sancionador,
    DemandaDisqueAns,
    Nip,
    Representacao,
    IndisponibilidadeBens,
    CancelamentoRegistro,
}

impl Family {
    /// Every family, in the catalogue's order of the docs (§2.2–2.11).
    pub const ALL: [Family; 11] = [
        Family::DirecaoFiscal,
        Family::DirecaoTecnica,
        Family::LiquidacaoExtrajudicial,
        Family::AlienacaoCarteira,
        Family::Tcac,
        Family::Sancionador,
        Family::DemandaDisqueAns,
        Family::Nip,
        Family::Representacao,
        Family::IndisponibilidadeBens,
        Family::CancelamentoRegistro,
    ];

    /// The stored code (the serde name): `direcao_fiscal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::DirecaoFiscal => "direcao_fiscal",
            Family::DirecaoTecnica => "direcao_tecnica",
            Family::LiquidacaoExtrajudicial => "liquidacao_extrajudicial",
            Family::AlienacaoCarteira => "alienacao_carteira",
            Family::Tcac => "tcac",
            Family::Sancionador => "sancionador",
            Family::DemandaDisqueAns => "demanda_disque_ans",
            Family::Nip => "nip",
            Family::Representacao => "representacao",
            Family::IndisponibilidadeBens => "indisponibilidade_bens",
            Family::CancelamentoRegistro => "cancelamento_registro",
        }
    }

    /// The family a stored code names.
    pub fn parse(code: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.as_str() == code)
    }

    /// pt-BR name.
    pub fn label(self) -> &'static str {
        match self {
            Family::DirecaoFiscal => "Direção fiscal",
            Family::DirecaoTecnica => "Direção técnica",
            Family::LiquidacaoExtrajudicial => "Liquidação extrajudicial",
            Family::AlienacaoCarteira => "Alienação de carteira",
            Family::Tcac => "Termo de Compromisso de Ajuste de Conduta",
            Family::Sancionador => "Processo administrativo sancionador",
            Family::DemandaDisqueAns => "Demanda Disque ANS",
            Family::Nip => "Notificação de Intermediação Preliminar",
            Family::Representacao => "Representação",
            Family::IndisponibilidadeBens => "Indisponibilidade de bens",
            Family::CancelamentoRegistro => "Cancelamento de registro",
        }
    }
}

/// One act of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ActInfo {
    /// The `act` tag of the command JSON.
    pub name: &'static str,
    pub roles: &'static [Role],
    /// Families the act applies to; empty for operator acts.
    pub families: &'static [Family],
    /// Whether the act opens a new case.
    pub opens_case: bool,
    pub label: &'static str,
}

use Family as F;
use Role::{Administrador, Atendente, Diretoria, Fiscal, Interventor};

const fn op(name: &'static str, roles: &'static [Role], label: &'static str) -> ActInfo {
    ActInfo { name, roles, families: &[], opens_case: false, label }
}
const fn open(name: &'static str, roles: &'static [Role], families: &'static [Family], label: &'static str) -> ActInfo {
    ActInfo { name, roles, families, opens_case: true, label }
}
const fn act(name: &'static str, roles: &'static [Role], families: &'static [Family], label: &'static str) -> ActInfo {
    ActInfo { name, roles, families, opens_case: false, label }
}

const DF: &[Family] = &[F::DirecaoFiscal];
const DT: &[Family] = &[F::DirecaoTecnica];
const REGIMES: &[Family] = &[F::DirecaoFiscal, F::DirecaoTecnica];
const LE: &[Family] = &[F::LiquidacaoExtrajudicial];
const AL: &[Family] = &[F::AlienacaoCarteira];
const TC: &[Family] = &[F::Tcac];
const PAS: &[Family] = &[F::Sancionador];
const DA: &[Family] = &[F::DemandaDisqueAns];
const NIP: &[Family] = &[F::Nip];
const REP: &[Family] = &[F::Representacao];
const IND: &[Family] = &[F::IndisponibilidadeBens];
const CAN: &[Family] = &[F::CancelamentoRegistro];

static CATALOGUE: &[ActInfo] = &[
    op("registrar_operadora", &[Administrador], "Registrar operadora"),
    op("conceder_autorizacao_funcionamento", &[Administrador, Diretoria], "Conceder autorização de funcionamento"),
    op("alterar_cadastro", &[Administrador], "Alterar dados cadastrais"),
    op("registrar_administrador", &[Administrador], "Registrar administrador"),
    op("registrar_saida_administrador", &[Administrador], "Registrar saída de administrador"),
    op("informar_beneficiarios", &[Administrador], "Informar número de beneficiários do mês"),
    op("registrar_igr_publicado", &[Administrador], "Registrar IGR publicado pela ANS"),
    op(
        "registrar_cancelamento_publicado",
        &[Administrador],
        "Registrar cancelamento publicado no cadastro de operadoras canceladas",
    ),
    op("suspender_comercializacao", &[Diretoria], "Suspender comercialização"),
    op("restabelecer_comercializacao", &[Diretoria], "Restabelecer comercialização"),
    act(
        "prorrogar_prazo",
        &[Diretoria],
        &[F::DirecaoFiscal, F::AlienacaoCarteira, F::LiquidacaoExtrajudicial],
        "Prorrogar prazo",
    ),
    act("atribuir_caso", &[Fiscal, Diretoria], &Family::ALL, "Atribuir o caso a um servidor ou Núcleo"),
    open("instaurar_direcao_fiscal", &[Diretoria], DF, "Instaurar direção fiscal"),
    open("notificar_anomalia_assistencial", &[Diretoria], DT, "Notificar anomalias assistenciais (ofício DIPRO)"),
    act("comprovar_cessacao_anomalias", &[Fiscal, Diretoria], DT, "Registrar comprovação de cessação das anomalias"),
    act("instaurar_direcao_tecnica", &[Diretoria], DT, "Instaurar direção técnica"),
    act("emitir_instrucao_diretiva", &[Interventor], REGIMES, "Emitir instrução diretiva"),
    act("afastar_administrador", &[Diretoria], REGIMES, "Afastar administrador"),
    act("renovar_regime", &[Diretoria], REGIMES, "Renovar regime especial"),
    act(
        "determinar_medida",
        &[Diretoria],
        &[F::DirecaoFiscal, F::DirecaoTecnica, F::AlienacaoCarteira],
        "Determinar medida (alienação, portabilidade, liquidação, cancelamento)",
    ),
    act("encerrar_regime", &[Diretoria], REGIMES, "Encerrar regime especial"),
    act("solicitar_programa_saneamento", &[Interventor], DF, "Solicitar programa de saneamento"),
    act(
        "registrar_programa_apresentado",
        &[Interventor, Diretoria],
        DF,
        "Registrar programa de saneamento apresentado",
    ),
    act(
        "registrar_programa_nao_apresentado",
        &[Interventor, Diretoria],
        DF,
        "Registrar programa não apresentado no prazo",
    ),
    act("decidir_programa_saneamento", &[Diretoria], DF, "Decidir programa de saneamento (DIOPE)"),
    act(
        "registrar_descumprimento_programa",
        &[Interventor, Diretoria],
        REGIMES,
        "Registrar descumprimento do programa",
    ),
    act("interpor_recurso_programa", &[Interventor, Diretoria], DF, "Registrar recurso contra decisão do programa"),
    act("julgar_recurso_programa", &[Diretoria], DF, "Julgar recurso do programa (DICOL)"),
    act(
        "registrar_programa_assistencial",
        &[Interventor],
        DT,
        "Registrar etapa do programa de saneamento assistencial",
    ),
    act("dispensar_programa_assistencial", &[Diretoria], DT, "Dispensar programa de saneamento assistencial"),
    open("decretar_liquidacao", &[Diretoria], LE, "Decretar liquidação extrajudicial"),
    act(
        "registrar_transferencia_beneficiarios",
        &[Interventor, Diretoria],
        LE,
        "Registrar transferência dos beneficiários",
    ),
    act("apresentar_balanco_e_credores", &[Interventor], LE, "Apresentar balanço e quadro de credores"),
    act("avancar_inquerito", &[Fiscal, Diretoria], LE, "Registrar fase do inquérito administrativo"),
    act("concluir_inquerito", &[Diretoria], LE, "Concluir inquérito administrativo"),
    act("autorizar_requerimento_falencia", &[Diretoria], LE, "Autorizar o liquidante a requerer falência/insolvência"),
    act("encerrar_liquidacao", &[Diretoria], LE, "Encerrar liquidação extrajudicial"),
    open("requerer_alienacao_voluntaria", &[Fiscal, Diretoria], AL, "Registrar pedido de alienação voluntária"),
    act("decidir_alienacao_voluntaria", &[Diretoria], AL, "Decidir pedido de alienação voluntária"),
    open("determinar_alienacao", &[Diretoria], AL, "Determinar alienação de carteira"),
    open("iniciar_alienacao_compulsoria", &[Diretoria], AL, "Iniciar alienação compulsória (leilão)"),
    act("registrar_resultado_leilao", &[Diretoria], AL, "Registrar resultado do leilão"),
    act(
        "comprovar_transferencia_carteira",
        &[Fiscal, Diretoria, Interventor],
        AL,
        "Comprovar transferência da carteira",
    ),
    act("registrar_descumprimento_alienacao", &[Fiscal, Diretoria], AL, "Registrar alienação não realizada no prazo"),
    open("requerer_tcac", &[Fiscal], TC, "Registrar pedido ou oferta de TCAC"),
    act("triar_tcac", &[Fiscal], TC, "Registrar triagem do TCAC"),
    act("aprovar_minuta_tcac", &[Diretoria], TC, "Aprovar minuta do TCAC (diretor DIFIS)"),
    act("registrar_assinatura_compromissaria", &[Fiscal], TC, "Registrar assinatura da compromissária"),
    act("autorizar_tcac", &[Diretoria], TC, "Autorizar TCAC (DICOL)"),
    act("comprovar_pagamento_antecipado_tcac", &[Fiscal], TC, "Registrar comprovação do pagamento antecipado"),
    act("declarar_nulidade_tcac", &[Fiscal, Diretoria], TC, "Declarar TCAC nulo por falta de pagamento"),
    act("decidir_cumprimento_tcac", &[Diretoria], TC, "Decidir cumprimento do TCAC (DICOL)"),
    open("lavrar_auto_infracao", &[Fiscal], PAS, "Lavrar auto de infração"),
    act("notificar_autuada", &[Fiscal], PAS, "Registrar notificação da autuada"),
    act("registrar_defesa", &[Fiscal], PAS, "Registrar defesa"),
    act("optar_pagamento_com_desconto", &[Fiscal], PAS, "Registrar opção de pagamento com desconto"),
    act("decidir_primeira_instancia", &[Diretoria], PAS, "Decidir em primeira instância"),
    act("interpor_recurso", &[Fiscal], PAS, "Registrar recurso à DICOL"),
    act("julgar_recurso", &[Diretoria], PAS, "Julgar recurso (DICOL)"),
    act("certificar_transito_em_julgado", &[Diretoria], PAS, "Certificar trânsito em julgado sem recurso"),
    act("registrar_pagamento", &[Fiscal], PAS, "Registrar pagamento (GRU)"),
    act("conceder_parcelamento", &[Diretoria], PAS, "Conceder parcelamento"),
    act("declarar_inadimplencia", &[Fiscal], PAS, "Declarar inadimplência"),
    act("inscrever_divida_ativa", &[Diretoria], PAS, "Inscrever em dívida ativa e CADIN"),
    act("habilitar_credito_na_massa", &[Fiscal], PAS, "Habilitar crédito na massa liquidanda"),
    open("registrar_demanda_disque_ans", &[Atendente], DA, "Registrar demanda do Disque ANS"),
    act("responder_consulta", &[Atendente], DA, "Responder consulta"),
    act("avaliar_denuncia", &[Fiscal], DA, "Avaliar denúncia (instância interna)"),
    act("reconsiderar_avaliacao_denuncia", &[Fiscal], DA, "Reconsiderar a avaliação da denúncia"),
    act("encaminhar_ao_nucleo", &[Fiscal], DA, "Encaminhar denúncia ao Núcleo Regional"),
    act("concluir_apuracao", &[Fiscal], DA, "Concluir apuração do Núcleo"),
    open(
        "registrar_demanda_nip_publicada",
        &[Administrador, Atendente],
        NIP,
        "Registrar demanda NIP dos dados abertos da ANS",
    ),
    open("registrar_reclamacao_nip", &[Atendente], NIP, "Registrar reclamação (NIP)"),
    act("notificar_operadora_nip", &[Fiscal], NIP, "Notificar operadora (NIP)"),
    act("registrar_resposta_operadora", &[Fiscal, Atendente], NIP, "Registrar resposta da operadora"),
    act("classificar_nip", &[Fiscal], NIP, "Classificar NIP"),
    act("revisar_rve", &[Fiscal], NIP, "Revisar reparação voluntária e eficaz"),
    open("registrar_representacao", &[Fiscal, Diretoria], REP, "Registrar representação"),
    act("distribuir_representacao", &[Fiscal], REP, "Distribuir representação"),
    act("arquivar_representacao", &[Fiscal], REP, "Arquivar representação"),
    act("estender_indisponibilidade", &[Diretoria], IND, "Estender indisponibilidade a outra pessoa"),
    act("registrar_resultado_apuracao", &[Diretoria], IND, "Registrar resultado da apuração de responsabilidade"),
    act("registrar_decisao_judicial", &[Diretoria, Fiscal], IND, "Registrar decisão judicial (liminar)"),
    open("iniciar_cancelamento_registro", &[Diretoria], CAN, "Iniciar cancelamento de registro"),
    act("decretar_portabilidade_especial", &[Diretoria], CAN, "Decretar portabilidade especial de carências"),
    act("cancelar_registro", &[Diretoria], CAN, "Cancelar registro"),
];

/// DIFIS coordinates the Parceiros da Cidadania programme and its officers act as `fiscal`;
/// the directorate may act too (`crate::parceiro`'s module doc gives the argument).
const PROGRAMA: &[Role] = &[Fiscal, Diretoria];

/// The acts of the Parceiros da Cidadania programme (docs/DOMAIN.md §6) on a partner's stream or
/// the programme's. They belong to no case family and are no operator act, so they are kept
/// apart from [`act_catalogue`], from which the case and operator forms and routes are drawn;
/// the API's programme routes (`/api/v1/parceiros`) take these.
static PROGRAMME_CATALOGUE: &[ActInfo] = &[
    op("cadastrar_parceiro", PROGRAMA, "Cadastrar parceiro do programa Parceiros da Cidadania"),
    op("assinar_acordo", PROGRAMA, "Registrar assinatura de acordo de cooperação técnica"),
    op("publicar_acordo", PROGRAMA, "Registrar publicação do acordo"),
    op("renovar_acordo", PROGRAMA, "Renovar acordo de cooperação técnica"),
    op("encerrar_acordo", PROGRAMA, "Encerrar acordo de cooperação técnica"),
    op("registrar_cumprimento_obrigacao", PROGRAMA, "Registrar cumprimento de obrigação do acordo"),
    op("registrar_informacao_trimestral", PROGRAMA, "Registrar informação trimestral do parceiro sobre operadoras"),
    op("emitir_boletim", PROGRAMA, "Emitir boletim trimestral ao parceiro"),
    op("registrar_envio_boletim", PROGRAMA, "Registrar envio do boletim ao parceiro"),
    op("incluir_item_boletim", PROGRAMA, "Incluir ação ou documento no boletim do trimestre"),
    op("retirar_item_boletim", PROGRAMA, "Retirar item do boletim do trimestre"),
];

/// Every act, in the order forms list them.
pub fn act_catalogue() -> &'static [ActInfo] {
    CATALOGUE
}

/// The acts of the Parceiros da Cidadania programme.
pub fn programme_act_catalogue() -> &'static [ActInfo] {
    PROGRAMME_CATALOGUE
}

/// The programme acts on one partner's stream after its registration (its agreements, their
/// obligations, information and bulletins), in catalogue order.
pub fn partner_acts() -> impl Iterator<Item = &'static ActInfo> {
    use strum::VariantNames;
    PROGRAMME_CATALOGUE.iter().filter(|a| {
        a.name != crate::ParceiroCommand::REGISTRATION && crate::ParceiroCommand::VARIANTS.contains(&a.name)
    })
}

/// The acts on the programme's own stream (the bulletin's curated items).
pub fn programme_item_acts() -> impl Iterator<Item = &'static ActInfo> {
    use strum::VariantNames;
    PROGRAMME_CATALOGUE.iter().filter(|a| crate::parceiro::programa::ProgramaCommand::VARIANTS.contains(&a.name))
}

/// The catalogue entry of an act name, in either catalogue.
///
/// # Errors
/// `Invalid` for an unknown act.
pub fn find_act(name: &str) -> Result<&'static ActInfo, DomainError> {
    CATALOGUE
        .iter()
        .chain(PROGRAMME_CATALOGUE)
        .find(|a| a.name == name)
        .ok_or_else(|| DomainError::invalid("act", format!("ato desconhecido: {name}")))
}

const NORM_ROLES: &str = "Lei 9.961/2000 arts. 4 e 10 (competências da ANS e da Diretoria Colegiada)";

/// Refuses an actor whose role may not perform `act`, or an interventor not appointed to the case.
///
/// # Errors
/// `Forbidden` with `acesso.papel_nao_autorizado` or `acesso.interventor_nao_designado`.
pub fn authorize(act: &ActInfo, ctx: &Context<'_>) -> Result<(), DomainError> {
    let role = ctx.actor.role;
    if !act.roles.contains(&role) {
        return Err(DomainError::forbidden(
            "acesso.papel_nao_autorizado",
            NORM_ROLES,
            format!("o papel {} não pode praticar o ato \"{}\"", role.label(), act.label),
        ));
    }
    if role == Role::Interventor && !ctx.case_id.is_some_and(|id| ctx.actor.appointed_cases.contains(&id)) {
        return Err(DomainError::forbidden(
            "acesso.interventor_nao_designado",
            "RN 300/2012 (designação do diretor fiscal/técnico e do liquidante)",
            "o interventor só atua nos casos para os quais foi designado",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_codes_are_their_serde_names() {
        for family in Family::ALL {
            assert_eq!(serde_json::to_value(family).unwrap(), family.as_str());
            assert_eq!(Family::parse(family.as_str()), Some(family));
        }
    }

    #[test]
    fn act_names_are_unique_and_every_act_names_a_role() {
        let every = || CATALOGUE.iter().chain(PROGRAMME_CATALOGUE);
        let mut names: Vec<&str> = every().map(|a| a.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOGUE.len() + PROGRAMME_CATALOGUE.len());
        assert!(every().all(|a| !a.roles.is_empty() && !a.roles.contains(&Role::Auditor)));
        assert!(CATALOGUE.iter().filter(|a| a.opens_case).all(|a| a.families.len() == 1));
    }

    #[test]
    fn programme_acts_are_for_difis_and_the_directorate_and_found_by_name() {
        for info in PROGRAMME_CATALOGUE {
            assert_eq!(info.roles, [Role::Fiscal, Role::Diretoria], "{}", info.name);
            assert!(info.families.is_empty() && !info.opens_case);
            assert_eq!(find_act(info.name).unwrap(), info);
        }
        assert!(find_act("cadastrar_parceiro").is_ok() && find_act("cadastrar_parceira").is_err());
    }
}
