-- :checkhealth iml_ls — is the server command runnable?
local M = {}

function M.check()
  local health = vim.health or require("health")
  local start = health.start or health.report_start
  local ok = health.ok or health.report_ok
  local error = health.error or health.report_error
  start("iml-ls")
  local cmd = require("iml_ls").config.cmd
  if vim.fn.executable(cmd[1]) == 0 then
    error(cmd[1] .. " is not executable. Install the server with `pipx install iml_ls-<version>-py3-none-any.whl`"
      .. " (from a release) or `pip install .` in an iml-ls checkout, or set cmd in setup().")
    return
  end
  local version = vim.fn.system({ cmd[1], "--version" })
  if vim.v.shell_error == 0 then
    ok(vim.trim(version))
  else
    error("`" .. cmd[1] .. " --version` failed: " .. version)
  end
end

return M
