-- wrk script: POSTs monthly beneficiary counts, each request a different operator and month,
-- so every act is valid and appends one event. Operators come from REGISTROS (space separated).
local counter = 0
local registros = {}
for r in string.gmatch(os.getenv("REGISTROS") or "", "%S+") do registros[#registros + 1] = r end
local token = os.getenv("TOKEN")
local thread_offset = 0

function setup(thread)
  thread:set("thread_offset", thread_offset)
  thread_offset = thread_offset + 1000000
end

function request()
  counter = counter + 1
  local i = thread_offset + counter
  local registro = registros[(i % #registros) + 1]
  local month = math.floor(i / #registros)
  local ano = 2004 + math.floor(month / 12)
  local mes = (month % 12) + 1
  local body = string.format('{"ano": %d, "mes": %d, "quantidade": %d}', ano, mes, 1000 + i % 500)
  return wrk.format("POST", "/api/v1/operadoras/" .. registro .. "/beneficiarios",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
