-- Sends requests for real from a headless Neovim through the plugin, as a user would; writes what it saw
-- as JSON to $IML_OUT. The app's URLs point at a local server the test started. vim.fn.confirm and
-- vim.fn.input answer from queues (the user's answers) and keep what they were asked.
-- Environment: IML_PLUGIN, IML_CMD, IML_OUT, IML_APIKEY (the API-key connection), IML_OAUTH (the OAuth 2
-- connection), IML_MODULE (the search module), IML_CODE (the authorization code to paste).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":h") .. "/helpers.lua")
local out = H.out

local answers = { confirm = {}, input = {} }
out.confirms, out.inputs = {}, {}
vim.fn.confirm = function(message, choices, default, kind)
  table.insert(out.confirms, { message = message, choices = choices, default = default, kind = kind })
  return table.remove(answers.confirm, 1) or default
end
vim.fn.input = function(options)
  table.insert(out.inputs, type(options) == "table" and options.prompt or options)
  return table.remove(answers.input, 1) or ""
end

--- Waits for a notification that contains `text` (after the `from`-th one).
local function notified(text, from)
  local found
  vim.wait(20000, function()
    for index = from + 1, #out.notifications do
      if out.notifications[index].message:find(text, 1, true) then
        found = out.notifications[index].message
        return true
      end
    end
    return false
  end, 50)
  return found
end

local function lens_titles(bufnr)
  local titles = {}
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr) or {}) do
    table.insert(titles, lens.command and lens.command.title)
  end
  return titles
end

local function run()
  vim.opt.runtimepath:prepend(os.getenv("IML_PLUGIN"))
  require("iml_ls").setup({ cmd = vim.fn.json_decode(os.getenv("IML_CMD")), run = { pages = 3, record = true } })
  out.version = tostring(vim.version().major) .. "." .. tostring(vim.version().minor)

  -- the API-key connection: the first send asks; cancelling sends nothing
  H.edit(os.getenv("IML_APIKEY"))
  local apikey_window = vim.api.nvim_get_current_win()
  H.place('"url"', 1)
  answers.confirm = { 2 }
  local before = #out.notifications
  vim.cmd("ImlSendRequest")
  out.cancelled = notified("nothing was sent", before)
  out.confirmsWhenCancelled = #out.confirms

  -- then Send: the float says Make would fail, and which directive decided it; <CR> there goes to it
  answers.confirm = { 1 }
  local window
  out.apiKey, window = H.float_after(function() vim.cmd("ImlSendRequest") end)
  if window then
    vim.api.nvim_set_current_win(window)
    H.place("decided by", 0)
    H.keys("<CR>")
    out.jumped = {
      window = vim.api.nvim_get_current_win() == apikey_window,
      line = vim.api.nvim_win_get_cursor(0)[1],
      text = vim.api.nvim_get_current_line(),
    }
  end
  H.close_floats()

  -- the OAuth 2 connection: the token stage asks for the authorization code, then stores the token;
  -- the info stage sends it
  H.edit(os.getenv("IML_OAUTH"))
  H.place('"token"', 1)
  answers.input = { os.getenv("IML_CODE") }
  out.token = H.float_after(function() vim.cmd("ImlSendRequest token") end)
  H.close_floats()
  H.place('"info"', 1)
  out.info = H.float_after(function() vim.cmd("ImlSendRequest info") end)
  H.close_floats()

  -- the search module, by its "Send request" lens: three pages, the output bundles, the responses saved
  H.edit(os.getenv("IML_MODULE"))
  local module = vim.api.nvim_get_current_buf()
  vim.wait(20000, function() return vim.tbl_contains(lens_titles(module), "Send request") end, 50)
  out.moduleLenses = lens_titles(module)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  out.module = H.run_lens("Send request")
  H.close_floats()

  -- once saved, the "Run on recorded response" lens (the plugin asks for the lenses again) and
  -- :ImlReplayResponse answer from the recording
  vim.wait(20000, function() return vim.tbl_contains(lens_titles(module), "Run on recorded response") end, 50)
  out.lensesAfterSend = lens_titles(module)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  out.replayLens = H.run_lens("Run on recorded response")
  H.close_floats()
  H.place('"url"', 1)
  out.replay = H.float_after(function() vim.cmd("ImlReplayResponse") end)
  H.close_floats()

  out.errmsg = vim.v.errmsg
  H.finish(0)
end

H.start(run)
