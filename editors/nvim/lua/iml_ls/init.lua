-- iml-ls for Neovim 0.7 to 0.11: filetype and colours for Make's *.iml.json files, the language server
-- started for them (one per app root), K, completion that applies the server's edits, inlay hints and
-- code lenses where the version has them (their "Preview token", "Preview request", "Send request" and
-- "Run on recorded response" run here), :ImlPreviewToken showing the server's own rendering of the
-- signed token in a float, with a mapping that yanks the token, :ImlPreviewRequest showing each request
-- Make would send (HTTP and curl, secrets masked) with a mapping that yanks the curl command,
-- :ImlSendRequest and :ImlReplayResponse (send it for real, or answer from the recorded response, and
-- show what Make's response directives make of it), and :ImlCheckApp.
--
-- The command and settings come only from setup(): nothing is read from the project's files.
local M = {}

M.config = {
  cmd = { "iml-ls", "serve" },
  settings = { imlLs = {} },
  init_options = {},
  -- called with (client, bufnr) after the plugin's own buffer set-up
  on_attach = nil,
  -- merged into the client capabilities (e.g. require("cmp_nvim_lsp").default_capabilities())
  capabilities = nil,
  -- buffer-local K (hover), <localleader>p (token preview) and <localleader>r (request preview);
  -- false leaves your own mappings alone
  mappings = true,
  -- :ImlSendRequest: how many pages to follow when the component has `pagination`, and whether to
  -- save the responses next to the component (<name>.response.json, git-ignored) for :ImlReplayResponse
  run = { pages = 1, record = true },
}

local INSTALL_HINT = "Install the server with `pipx install iml_ls-<version>-py3-none-any.whl` (from a release) "
  .. "or `pip install .` in an iml-ls checkout, or point setup({ cmd = { \"/path/to/iml-ls\", \"serve\" } }) at it."

local function notify(message, level)
  vim.notify("iml-ls: " .. message, level or vim.log.levels.INFO)
end

local function root_dir(path)
  local folder = vim.fn.fnamemodify(path, ":p:h")
  local manifest = vim.fn.findfile("makecomapp.json", folder .. ";")
  if manifest ~= "" then
    return vim.fn.fnamemodify(manifest, ":p:h")
  end
  return folder
end

local function active_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = "iml_ls" })
  end
  local found = {}
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == "iml_ls" then
      table.insert(found, client)
    end
  end
  return found
end

-- Completion ------------------------------------------------------------------------------------

-- What the last omni-completion request answered, for CompleteDone: the text after the cursor that
-- the chosen item's edit replaces, and its additional edits.
local pending = {}

local function byte_col(line, character, encoding)
  if encoding == "utf-8" then
    return character
  end
  local ok, col = pcall(vim.str_byteindex, line, character, encoding == "utf-16")
  return ok and col or #line
end

--- omnifunc that applies the server's text edits: it starts at the edit's range (e.g. the opening
--- quote of 'HS1'), and CompleteDone removes what the range covers after the cursor, so choosing
--- HS256 in 'HS|1' gives 'HS256' (Neovim 0.7's own omnifunc inserts ''HS256'1').
function M.omnifunc(findstart, base)
  local bufnr = vim.api.nvim_get_current_buf()
  if findstart == 1 then
    local client = active_clients(bufnr)[1]
    if client == nil then
      return -3
    end
    local cursor = vim.api.nvim_win_get_cursor(0)
    local line = vim.api.nvim_get_current_line()
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/completion", params, 5000) or {}
    local items = {}
    for _, response in pairs(responses) do
      local result = response.result or {}
      for _, item in ipairs(result.items or result) do
        table.insert(items, item)
      end
    end
    local start = cursor[2]
    local word_start = vim.fn.match(line:sub(1, cursor[2]), "\\k*$")
    pending = { items = {}, encoding = client.offset_encoding, line = cursor[1] }
    for _, item in ipairs(items) do
      local edit = item.textEdit
      local range = edit and (edit.range or edit.replace)
      local first, last = word_start, cursor[2]
      if range then
        first = byte_col(line, range.start.character, client.offset_encoding)
        last = byte_col(line, range["end"].character, client.offset_encoding)
      end
      start = math.min(start, first)
      table.insert(pending.items, { item = item, first = first, after = math.max(last - cursor[2], 0) })
    end
    pending.start = start
    return start
  end
  local words = {}
  local line = vim.api.nvim_get_current_line()
  for index, entry in ipairs(pending.items or {}) do
    local item = entry.item
    local text = item.textEdit and item.textEdit.newText or item.insertText or item.label
    -- an item whose range starts later than the completion start keeps the text in between
    local word = line:sub(pending.start + 1, entry.first) .. text
    local filter = item.filterText or item.label
    if vim.startswith(word, base) or vim.startswith(filter, base) or base == "" then
      local documentation = item.documentation
      if type(documentation) == "table" then
        documentation = documentation.value
      end
      table.insert(words, {
        word = word,
        abbr = item.label,
        menu = item.detail or "",
        info = documentation or "",
        icase = 1,
        dup = 1,
        empty = 1,
        user_data = { iml_ls = index },
        sort = item.sortText or item.label,
      })
    end
  end
  table.sort(words, function(a, b)
    return a.sort < b.sort
  end)
  for _, word in ipairs(words) do
    word.sort = nil
  end
  return words
end

local function complete_done()
  local completed = vim.v.completed_item
  local data = type(completed) == "table" and completed.user_data or nil
  local index = type(data) == "table" and data.iml_ls or nil
  local entry = index and pending.items and pending.items[index]
  if entry == nil then
    return
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local cursor = vim.api.nvim_win_get_cursor(0)
  if entry.after > 0 and cursor[1] == pending.line then
    local line = vim.api.nvim_get_current_line()
    vim.api.nvim_set_current_line(line:sub(1, cursor[2]) .. line:sub(cursor[2] + entry.after + 1))
  end
  if entry.item.additionalTextEdits then
    vim.lsp.util.apply_text_edits(entry.item.additionalTextEdits, bufnr, pending.encoding)
  end
  pending = {}
end

-- Hints and lenses --------------------------------------------------------------------------------

local function refresh_lenses(bufnr)
  if not vim.lsp.codelens then
    return
  end
  if vim.fn.has("nvim-0.10") == 1 then
    pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
  elseif bufnr == vim.api.nvim_get_current_buf() then
    pcall(vim.lsp.codelens.refresh)
  end
end

-- The clients that have checked their whole app once.
local checked = {}

local function on_attach(client, bufnr)
  -- A client that pulls diagnostics (0.10 and later) asks only for its open buffers: the server
  -- pushes those of the other app files when asked to check the app (it does so by itself for the others).
  local pulls = vim.tbl_get(client.config.capabilities or {}, "textDocument", "diagnostic") ~= nil
  if pulls and not checked[client.id] then
    checked[client.id] = true
    M.check_app(bufnr, true)
  end
  vim.bo[bufnr].omnifunc = "v:lua.require'iml_ls'.omnifunc"
  if M.config.mappings then
    vim.keymap.set("n", "K", vim.lsp.buf.hover, { buffer = bufnr, desc = "iml-ls: hover" })
    vim.keymap.set("n", "<localleader>p", M.preview_token, { buffer = bufnr, desc = "iml-ls: preview the token" })
    vim.keymap.set("n", "<localleader>r", M.preview_request, { buffer = bufnr, desc = "iml-ls: preview the request" })
  end
  local group = vim.api.nvim_create_augroup("iml_ls_buffer_" .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd("CompleteDone", { group = group, buffer = bufnr, callback = complete_done })
  if vim.lsp.inlay_hint and vim.lsp.inlay_hint.enable then -- 0.10 and later
    pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr })
  end
  local capabilities = client.server_capabilities or client.resolved_capabilities or {}
  if capabilities.codeLensProvider or capabilities.code_lens then
    vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "TextChanged" }, {
      group = group,
      buffer = bufnr,
      callback = function()
        refresh_lenses(bufnr)
      end,
    })
    refresh_lenses(bufnr)
  end
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

-- Starting --------------------------------------------------------------------------------------

local function client_config(bufnr)
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if M.config.capabilities then
    capabilities = vim.tbl_deep_extend("force", capabilities, M.config.capabilities)
  end
  return {
    name = "iml_ls",
    cmd = M.config.cmd,
    root_dir = root_dir(vim.api.nvim_buf_get_name(bufnr)),
    settings = M.config.settings,
    init_options = M.config.init_options,
    capabilities = capabilities,
    on_attach = on_attach,
    flags = { debounce_text_changes = 50 },
    -- what the server's code lenses run: shown here, not sent back to the server (whose answer
    -- Neovim would drop)
    commands = {
      ["iml.previewToken"] = function(command, context)
        M.preview_token(context.bufnr, command.arguments)
      end,
      ["iml.previewRequest"] = function(command, context)
        M.preview_request(context.bufnr, command.arguments)
      end,
      ["iml.runRequest"] = function(command, context)
        M.run_request(context.bufnr, command.arguments[1])
      end,
    },
  }
end

local warned_missing = false

--- Start (or reuse) the server for a buffer: one per app root. Feature-detected, not version-checked.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local program = M.config.cmd[1]
  if vim.fn.executable(program) == 0 then
    if not warned_missing then
      warned_missing = true
      notify(program .. " was not found, so this file is not checked. " .. INSTALL_HINT, vim.log.levels.WARN)
    end
    return nil
  end
  local config = client_config(bufnr)
  if vim.lsp.start then -- 0.8 and later reuse a client with the same name and root
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if client.name == "iml_ls" and client.config.root_dir == config.root_dir then
      vim.lsp.buf_attach_client(bufnr, client.id)
      return client.id
    end
  end
  local id = vim.lsp.start_client(config)
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

-- The token preview -------------------------------------------------------------------------------

--- The tokens of the last preview, for the yank mapping and :ImlYankToken.
M.last_tokens = {}

--- Put item number `which` (default 1) of a preview's `items` into the unnamed and clipboard
--- registers; `missing` says what to run first when there is none, `done(text)` what was yanked.
local function yank(items, which, missing, done)
  local text = items[tonumber(which) or 1]
  if text == nil then
    notify(missing, vim.log.levels.WARN)
    return
  end
  vim.fn.setreg('"', text)
  pcall(vim.fn.setreg, "+", text) -- no clipboard provider in a terminal without one
  notify(done(text))
end

--- Put the previewed token (the first, or number `which`) into the unnamed and clipboard registers.
function M.yank_token(which)
  yank(M.last_tokens, which, "no token to yank: run :ImlPreviewToken on a jwt() call first", function(token)
    return string.format("token yanked (%d characters)", #token)
  end)
end

--- A float beside the cursor (`q` closes it), as the token, request and run previews show.
local function open_float(lines, focus_id)
  local bufnr, window = vim.lsp.util.open_floating_preview(lines, "", {
    border = "rounded",
    focus_id = focus_id,
    wrap = false,
    max_width = math.max(40, vim.o.columns - 4),
  })
  vim.keymap.set("n", "q", "<cmd>close<cr>", { buffer = bufnr })
  return bufnr, window
end

local function show_preview(result)
  M.last_tokens = {}
  for _, token in ipairs(result.tokens or {}) do
    if type(token.token) == "string" then
      table.insert(M.last_tokens, token.token)
    end
  end
  -- the server's own text: header and payload keep their order; one message may span lines
  local lines = vim.split(result.text or "No preview.", "\n", { plain = true, trimempty = true })
  if #M.last_tokens > 0 then
    table.insert(lines, "")
    table.insert(lines, "y: yank the token    q: close")
  end
  local bufnr, window = open_float(lines, "iml_ls_preview")
  vim.keymap.set("n", "y", M.yank_token, { buffer = bufnr, desc = "iml-ls: yank the token" })
  return bufnr, window
end

--- Run a server command on a buffer's file: with `arguments` (a code lens's `[uri, position]`), or for
--- the cursor's position; when `is_empty(result)` says the position held nothing, again for the
--- whole file. `show(result)` gets the answer.
local function execute(bufnr, command, arguments, is_empty, show)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = active_clients(bufnr)[1]
  if client == nil then
    notify("the server is not running for this buffer (:checkhealth iml_ls says why)", vim.log.levels.WARN)
    return
  end
  if arguments == nil then
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    arguments = { params.textDocument.uri, params.position }
  end
  local request = { command = command, arguments = arguments }
  local function answer(err, result)
    if err then
      notify("the preview failed: " .. tostring(err.message), vim.log.levels.ERROR)
      return
    end
    if result and is_empty(result) and #request.arguments == 2 then
      request.arguments = { arguments[1] } -- the position held nothing: the whole file
      vim.lsp.buf_request(bufnr, "workspace/executeCommand", request, answer)
      return
    end
    show(result or {})
  end
  vim.lsp.buf_request(bufnr, "workspace/executeCommand", request, answer)
end

--- Run iml.previewToken for the cursor's jwt() call (or the whole file) and show it in a float.
function M.preview_token(bufnr, arguments)
  execute(bufnr, "iml.previewToken", arguments, function(result)
    return #(result.tokens or {}) == 0
  end, show_preview)
end

-- The request preview ------------------------------------------------------------------------------

--- The curl commands of the last request preview, for the yank mapping and :ImlYankCurl.
M.last_curls = {}

--- Put a previewed curl command (the first, or number `which`) into the unnamed and clipboard registers.
function M.yank_curl(which)
  yank(M.last_curls, which, "no curl command to yank: run :ImlPreviewRequest in a file with requests first", function()
    return "curl command yanked"
  end)
end

--- Lines for a float, each tagged with what it shows (a request's number, a range in the file):
--- `add(text, tag)` appends the text's lines, every one of them tagged `tag`.
local function tagged_lines()
  local lines, tags = {}, {}
  local function add(text, tag)
    for _, line in ipairs(vim.split(text, "\n", { plain = true })) do
      table.insert(lines, (line:gsub("\r$", "")))
      tags[#lines] = tag
    end
  end
  return lines, tags, add
end

--- The float's lines, and for each line the number of the request (in M.last_curls) it belongs to.
local function request_lines(result)
  local lines, owner, add = tagged_lines()
  add(string.format("Requests of %s (%s)", vim.fn.fnamemodify(result.path or "", ":t"), result.context or "?"))
  add("Sample values: " .. (result.samples ~= vim.NIL and result.samples or "none found (params defaults and placeholders)"))
  add(result.secrets == "revealed" and "Secrets: shown" or "Secrets: masked as ••••")
  if result.placeholders and #result.placeholders > 0 then
    add("Placeholders (not real values): " .. table.concat(result.placeholders, ", "))
  end
  if type(result.note) == "string" then
    add(result.note)
  end
  for _, request in ipairs(result.requests or {}) do
    local number
    if type(request.curl) == "string" and request.curl ~= "" then
      table.insert(M.last_curls, request.curl)
      number = #M.last_curls
    end
    add("", number)
    add(string.format("── %s (line %d) ──", request.label, request.range.start.line + 1), number)
    if request.fromBase and #request.fromBase > 0 then
      add("from base: " .. table.concat(request.fromBase, ", "), number)
    end
    if type(request.skipped) == "string" then
      add(request.skipped, number)
    end
    if number == nil then
      add("No HTTP request: it only evaluates `temp` and `output`.")
    else
      add((request.http:gsub("[\r\n]+$", "")), number)
      add("", number)
      add(request.curl, number)
    end
  end
  for _, problem in ipairs(result.errors or {}) do
    local where = problem.range and ("line " .. (problem.range.start.line + 1)) or problem.file or "?"
    add("error at " .. where .. ": " .. problem.message)
  end
  return lines, owner
end

local function show_request_preview(result)
  M.last_curls = {}
  local lines, owner = request_lines(result)
  if #M.last_curls > 0 then
    table.insert(lines, "")
    table.insert(lines, "y: yank the curl command under the cursor    q: close")
  end
  local bufnr, window = open_float(lines, "iml_ls_request_preview")
  vim.keymap.set("n", "y", function()
    M.yank_curl(owner[vim.api.nvim_win_get_cursor(0)[1]])
  end, { buffer = bufnr, desc = "iml-ls: yank the curl command" })
  return bufnr, window
end

--- Run iml.previewRequest for the cursor's request (or every request of the file) and show it in a float.
function M.preview_request(bufnr, arguments)
  local path = vim.api.nvim_buf_get_name((bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr)
  execute(bufnr, "iml.previewRequest", arguments, function(result)
    return #(result.requests or {}) == 0
  end, function(result)
    result.path = path
    show_request_preview(result)
  end)
end

-- Sending the request ------------------------------------------------------------------------------

local function present(value)
  return value ~= nil and value ~= vim.NIL
end

local function json_line(value)
  local ok, text = pcall(vim.json.encode, value)
  return ok and text or tostring(value)
end

--- The result's lines, and for each line the LSP range in the file it shows (the failing directive,
--- each directive of the pipeline), for <CR> in the float.
local function run_lines(result)
  local lines, ranges, add = tagged_lines()
  local stage = present(result.stage) and (", the " .. result.stage .. " stage") or ""
  add(string.format("Run result of %s (%s%s)", vim.fn.fnamemodify(result.file or "", ":t"), result.context or "?", stage))
  if present(result.replayedFrom) then
    add("Replayed from " .. vim.fn.fnamemodify(result.replayedFrom, ":~:.") .. ": nothing was sent")
  elseif present(result.recordedTo) then
    add("Sent for real; the responses are saved in " .. vim.fn.fnamemodify(result.recordedTo, ":~:."))
  else
    add("Sent for real")
  end
  add("Secrets: masked as ••••")
  local failure = present(result.failure) and result.failure or nil
  if failure then
    local range = present(failure.range) and failure.range or nil
    add("")
    add("Make would fail" .. (present(failure.errorType) and failure.errorType ~= "" and (": " .. failure.errorType) or ""), range)
    add("  " .. failure.message, range)
    add("  decided by " .. failure.directive .. (range and string.format(" (line %d, <CR> goes there)", range.start.line + 1) or ""), range)
  end
  local outputs = result.outputs or {}
  local stored = present(result.stored) and result.stored or nil
  -- no bundle: worth saying for a run that emits bundles, noise when it stored something or failed
  if #outputs > 0 or (stored == nil and failure == nil) then
    add("")
    add(string.format("Output bundles (%d):", #outputs))
    for number, bundle in ipairs(outputs) do
      add(string.format("  %d. %s", number, json_line(bundle)))
    end
  end
  if stored then
    add("")
    add(string.format("What the %s would store:", (result.context or ""):find("webhook") and "webhook" or "connection"))
    add("  " .. json_line(stored))
  end
  for _, exchange in ipairs(result.exchanges or {}) do
    local request = exchange.request
    add("")
    add(string.format("── %s ──", exchange.label))
    add(request.method .. " " .. request.url)
    for _, header in ipairs(request.headers or {}) do
      add(header[1] .. ": " .. header[2])
    end
    if present(request.body) and request.body ~= "" then
      add(request.body)
    end
    local response = present(exchange.response) and exchange.response or nil
    if response then
      add(string.format("→ %d (%d ms)", response.status, math.floor((response.elapsedMs or 0) + 0.5)))
      for _, header in ipairs(response.headers or {}) do
        add(header[1] .. ": " .. header[2])
      end
      if response.body ~= "" then
        add(response.body)
      end
    else
      add("→ no response came back")
    end
    for _, step in ipairs(exchange.steps or {}) do
      local range = present(step.range) and step.range or nil
      add(string.format("  %s%s: %s", step.directive, range and string.format(" (line %d)", range.start.line + 1) or "", json_line(step.value)), range)
    end
  end
  for _, note in ipairs(result.notes or {}) do
    add(note)
  end
  return lines, ranges
end

--- The float of a run's result; <CR> on the failure or a directive shows its place in `window`.
local function show_run_result(result, window)
  local lines, ranges = run_lines(result)
  table.insert(lines, "")
  table.insert(lines, "<CR>: go to the directive under the cursor    q: close")
  local bufnr, float = open_float(lines, "iml_ls_run_result")
  vim.keymap.set("n", "<CR>", function()
    local range = ranges[vim.api.nvim_win_get_cursor(0)[1]]
    if range and vim.api.nvim_win_is_valid(window) then
      vim.api.nvim_win_close(0, true)
      vim.api.nvim_set_current_win(window)
      local line = vim.api.nvim_buf_get_lines(0, range.start.line, range.start.line + 1, false)[1] or ""
      local client = active_clients(0)[1]
      local column = byte_col(line, range.start.character, client and client.offset_encoding or "utf-16")
      vim.api.nvim_win_set_cursor(window, { range.start.line + 1, column })
    end
  end, { buffer = bufnr, desc = "iml-ls: go to the directive" })
  return bufnr, float
end

--- The question before the first send to a host: the host, the server's message, and the secrets that
--- go there (unless the message names each of them already).
local function confirmation_text(confirmation)
  local message, secrets = confirmation.message or "", confirmation.secrets or {}
  local named = message ~= "" and (#secrets > 0 or message:lower():find("secret", 1, true) ~= nil)
  for _, secret in ipairs(secrets) do
    named = named and message:find(secret, 1, true) ~= nil
  end
  local lines = { string.format("Send this request to %s?", confirmation.host) }
  if message ~= "" then
    table.insert(lines, message)
  end
  if not named then
    table.insert(lines, #secrets == 0 and "It carries no secret."
      or ("It carries these secrets: " .. table.concat(secrets, ", ") .. "."))
  end
  return table.concat(lines, "\n")
end

local function code_prompt(request)
  local lines = {}
  if present(request.authorizeUrl) then
    table.insert(lines, "Authorize at " .. request.authorizeUrl)
  end
  table.insert(lines, request.prompt)
  table.insert(lines, "Authorization code: ")
  return table.concat(lines, "\n")
end

--- Send the request under the cursor (or a lens's `arguments`, `{uri, position, stage?, replay?}`) with
--- iml.runRequest: each new host is confirmed first (vim.fn.confirm; cancel sends nothing), the OAuth 2
--- authorization code asked for (vim.fn.input), and the result shown in a float. `options.stage` picks an
--- OAuth 2 stage, `options.replay` answers from the recorded response instead of sending.
function M.run_request(bufnr, arguments, options)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = active_clients(bufnr)[1]
  if client == nil then
    notify("the server is not running for this buffer (:checkhealth iml_ls says why)", vim.log.levels.WARN)
    return
  end
  local args = vim.deepcopy(arguments or {})
  if args.uri == nil then
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    args.uri, args.position = params.textDocument.uri, params.position
  end
  options = options or {}
  if options.stage and options.stage ~= "" then
    args.stage = options.stage
  end
  if options.replay then
    args.replay = true
  end
  args.pages = args.pages or M.config.run.pages
  if not args.replay then
    args.record = M.config.run.record
  end
  local window = vim.api.nvim_get_current_win()
  local function cancelled()
    notify("cancelled: nothing was sent")
  end
  local function ask()
    local request = { command = "iml.runRequest", arguments = { args } }
    vim.lsp.buf_request(bufnr, "workspace/executeCommand", request, function(err, answer)
      if err then
        notify((args.replay and "running on the recorded response" or "sending the request") .. " failed: " .. tostring(err.message), vim.log.levels.ERROR)
        return
      end
      answer = present(answer) and answer or {}
      if present(answer.confirm) then
        local host = answer.confirm.host
        if vim.tbl_contains(args.confirmedHosts or {}, host) then
          notify("the server asked again to confirm " .. host, vim.log.levels.ERROR)
        elseif vim.fn.confirm(confirmation_text(answer.confirm), "&Send\n&Cancel", 2, "Warning") ~= 1 then
          cancelled()
        else
          args.confirmedHosts = args.confirmedHosts or {}
          table.insert(args.confirmedHosts, host)
          ask()
        end
      elseif present(answer.needsInput) then
        if answer.needsInput.name ~= "code" or args.code ~= nil then
          notify("the server asked again for " .. tostring(answer.needsInput.name), vim.log.levels.ERROR)
          return
        end
        local code = vim.trim(vim.fn.input({ prompt = code_prompt(answer.needsInput), cancelreturn = "" }))
        if code == "" then
          cancelled()
        else
          args.code = code
          ask()
        end
      elseif present(answer.result) then
        if present(answer.result.recordedTo) then
          refresh_lenses(bufnr) -- the saved responses add "Run on recorded response"
        end
        show_run_result(answer.result, window)
      else
        notify("the server's answer is not a run result", vim.log.levels.ERROR)
      end
    end)
  end
  ask()
end

--- Run iml.checkWorkspace: every file of the app, open or not, gets its diagnostics (:lua
--- vim.diagnostic.setqflist() lists them); `quiet` leaves out the totals message.
function M.check_app(bufnr, quiet)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if active_clients(bufnr)[1] == nil then
    notify("the server is not running for this buffer (:checkhealth iml_ls says why)", vim.log.levels.WARN)
    return
  end
  vim.lsp.buf_request(bufnr, "workspace/executeCommand", { command = "iml.checkWorkspace", arguments = {} }, function(err, totals)
    if err then
      notify("checking the app failed: " .. tostring(err.message), vim.log.levels.ERROR)
      return
    end
    if not quiet then
      notify(string.format("%d files checked, %d errors, %d warnings", totals.files, totals.errors, totals.warnings))
    end
  end)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", M.config, opts or {})
  warned_missing = false
  local group = vim.api.nvim_create_augroup("iml_ls", { clear = true })
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = "*.iml.json",
    nested = true, -- so that setting the filetype fires FileType, which starts the server
    callback = function()
      vim.bo.filetype = "imljson"
    end,
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "imljson",
    callback = function(args)
      vim.bo[args.buf].commentstring = "// %s"
      M.start(args.buf)
    end,
  })
  vim.api.nvim_create_user_command("ImlPreviewToken", function()
    M.preview_token()
  end, { desc = "Preview the signed JWT" })
  vim.api.nvim_create_user_command("ImlPreviewRequest", function()
    M.preview_request()
  end, { desc = "Preview the request Make would send" })
  vim.api.nvim_create_user_command("ImlYankCurl", function(command)
    M.yank_curl(command.args)
  end, { nargs = "?", desc = "Yank the previewed curl command" })
  vim.api.nvim_create_user_command("ImlSendRequest", function(command)
    M.run_request(nil, nil, { stage = command.args })
  end, { nargs = "?", desc = "Send the request under the cursor (an OAuth 2 connection: the stage named)" })
  vim.api.nvim_create_user_command("ImlReplayResponse", function()
    M.run_request(nil, nil, { replay = true })
  end, { desc = "Run the response directives on the recorded response" })
  vim.api.nvim_create_user_command("ImlCheckApp", function()
    M.check_app()
  end, { desc = "Check every file of the app" })
  vim.api.nvim_create_user_command("ImlYankToken", function(command)
    M.yank_token(command.args)
  end, { nargs = "?", desc = "Yank the previewed JWT" })
end

return M
