#!/usr/bin/env bash
# Import benchmark: writes a CADOP register of ROWS operators (current layout, default 1,100) and
# an open-data file of NIP demands of NIP_ROWS rows (default 100,000) on those operators into a
# fresh scratch database, then times `autos import operators` (and its idempotent second run)
# and `autos import nip` (and its second run), printing rows per second.
# Usage: ops/import.sh sqlite | ops/import.sh postgres   (PostgreSQL: a scratch database autos_import)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
backend=${1:-sqlite}
rows=${ROWS:-1100}
nip_rows=${NIP_ROWS:-100000}
# shellcheck source=ops/scratch.sh
. "$root/ops/scratch.sh" "$backend" autos_import
export RUST_LOG=warn
python3 - "$rows" "$nip_rows" <<'PY'
import random, sys
rows, nip_rows = int(sys.argv[1]), int(sys.argv[2])
random.seed(1100)
def cnpj(base):
    def dv(d, w):
        r = sum(int(a) * b for a, b in zip(d, w)) % 11
        return "0" if r < 2 else str(11 - r)
    d1 = dv(base, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    return base + d1 + dv(base + d1, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
cities = [("São Paulo", "SP"), ("Rio de Janeiro", "RJ"), ("Belo Horizonte", "MG"), ("Curitiba", "PR"), ("Recife", "PE")]
header = "REGISTRO_OPERADORA;CNPJ;Razao_Social;Nome_Fantasia;Modalidade;Logradouro;Numero;Complemento;Bairro;Cidade;UF;CEP;DDD;Telefone;Fax;Endereco_eletronico;Representante;Cargo_Representante;Regiao_de_Comercializacao;Data_Registro_ANS"
registros = random.sample(range(300000, 430000), rows)
with open("cadop.csv", "w") as f:
    f.write(header + "\n")
    for i, r in enumerate(registros):
        city, uf = cities[i % len(cities)]
        f.write(f"{r};{cnpj('%08d0001' % (10000000 + i))};OPERADORA {i} LTDA;;Medicina de Grupo;RUA A;1;;CENTRO;{city};{uf};01000000;11;30000000;;;;;1;2005-01-10\n")
themes = ["Cobertura >> Rol de Procedimentos", "Financeiro >> Reajuste", "Atendimento >> Cancelamento de contrato"]
with open("nip.csv", "w") as f:
    f.write("NUMERO_DA_DEMANDA;ABERTURA_DA_DEMANDA;ANO_DE_REFERENCIA;MES_DE_REFERENCIA;SITUACAO_DA_DEMANDA;FORMA_DE_CONTATO_COM_A_ANS;ASSUNTO;REGISTRO_OPERADORA;MODALIDADE_DA_OPERADORA;TIPO_DE_PLANO_CONTRATADO;UF_ONDE_CONSUMIDOR;CLASSIFICACAO_DA_NIP;NATUREZA_DA_NIP;SITUACAO_DA_NIP;DATA_DO_AUTO;NUMERO_PROCESSO\n")
    for i in range(nip_rows):
        m = 1 + i % 12
        f.write(f"{5000000 + i};{1 + i % 28:02d}/{m:02d}/2024;2024;{m};Finalizada;Central de atendimento;{themes[i % 3]};{registros[i % rows]};Medicina de Grupo;Coletivo empresarial;SP;{'RVE' if i % 4 else 'Não Resolvida'};{'Assistencial' if i % 3 else 'Não Assistencial'};Encerrada;;\n")
PY
"$bin" migrate >/dev/null
"$bin" officer add --name "Importação" --role administrador >/dev/null
timed() {
    local label=$1 lines=$2; shift 2
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; s = float(sys.argv[2]) - float(sys.argv[1]); print(f'{sys.argv[3]}: {s:.2f} s, {int(sys.argv[4]) / s:,.0f} linhas/s')" "$start" "$end" "$label" "$lines"
}
echo "== $backend"
timed "cadastro de $rows operadoras" "$rows" "$bin" import operators cadop.csv --data-referencia 2026-11-01
timed "cadastro de novo (nada a gravar)" "$rows" "$bin" import operators cadop.csv --data-referencia 2026-11-01
timed "$nip_rows demandas NIP" "$nip_rows" "$bin" import nip nip.csv
timed "demandas NIP de novo (nada a gravar)" "$nip_rows" "$bin" import nip nip.csv
