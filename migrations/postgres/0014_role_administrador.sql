-- The role that registers officers and operators is named `administrador`, as every other role is
-- named in Portuguese (docs/STYLE.md, the naming rule); it was `admin`. Officers keep their tokens
-- and sessions. Events recorded before keep `admin` in actor_role, which their hash covers, and
-- the application still reads that name as this role.
ALTER TABLE officers DROP CONSTRAINT officers_role_check;
UPDATE officers SET role = 'administrador' WHERE role = 'admin';
ALTER TABLE officers ADD CONSTRAINT officers_role_check
    CHECK (role IN ('atendente', 'fiscal', 'diretoria', 'interventor', 'auditor', 'administrador'));
