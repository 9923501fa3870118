-- Avtal for Neovim 0.7 and later: starts the language server `avtal lsp`
-- for every buffer of filetype `avtal`, through the API each version has:
--
--   0.11 and later  vim.lsp.config + vim.lsp.enable
--   0.8 to 0.10     vim.lsp.start from a FileType autocommand
--   0.7             vim.lsp.start_client once per root + buf_attach_client
--
-- No plugin (nvim-lspconfig or other) is needed. Usage, in init.lua:
--
--   vim.opt.runtimepath:append('/path/to/avtal/editors/nvim')
--   require('avtal').setup()
--
-- Options (all optional): cmd (default { 'avtal', 'lsp' }), root_markers
-- (default { 'avtal.toml', '.git' }), on_attach(client, bufnr),
-- capabilities, and api ('0.7', '0.8' or '0.11') to force one path.

local M = {}

local defaults = {
  cmd = { 'avtal', 'lsp' },
  root_markers = { 'avtal.toml', '.git' },
}

-- The directory that holds the first of `markers` found upwards from the
-- buffer's file, else the file's own directory (0.7 has no vim.fs).
local function root_dir(bufnr, markers)
  local file = vim.api.nvim_buf_get_name(bufnr)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  for _, marker in ipairs(markers) do
    local found = vim.fn.finddir(marker, dir .. ';')
    if found ~= '' then
      -- ':p' ends a directory with '/', so two ':h' leave its parent.
      return vim.fn.fnamemodify(found, ':p:h:h')
    end
    found = vim.fn.findfile(marker, dir .. ';')
    if found ~= '' then
      return vim.fn.fnamemodify(found, ':p:h')
    end
  end
  return dir
end

-- Which API path this Neovim takes.
local function api_of(opts)
  if opts.api then
    return opts.api
  end
  if vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
    return '0.11'
  end
  if vim.lsp.start ~= nil then
    return '0.8'
  end
  return '0.7'
end

local function client_config(opts, root)
  return {
    name = 'avtal',
    cmd = opts.cmd,
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') },
    },
    capabilities = opts.capabilities,
    on_attach = opts.on_attach,
  }
end

-- 0.7: one client per root directory, attached to each buffer under it.
local clients_by_root = {}

local function attach_0_7(opts, bufnr)
  local root = root_dir(bufnr, opts.root_markers)
  local id = clients_by_root[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(opts, root))
    if id == nil then
      vim.notify('avtal: could not start ' .. table.concat(opts.cmd, ' '), vim.log.levels.ERROR)
      return
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

local function attach_0_8(opts, bufnr)
  local root = root_dir(bufnr, opts.root_markers)
  vim.lsp.start(client_config(opts, root), { bufnr = bufnr })
end

function M.setup(user_opts)
  local opts = vim.tbl_deep_extend('force', defaults, user_opts or {})
  local api = api_of(opts)
  M.api = api
  if api == '0.11' then
    vim.lsp.config('avtal', {
      cmd = opts.cmd,
      filetypes = { 'avtal' },
      root_markers = opts.root_markers,
      capabilities = opts.capabilities,
      on_attach = opts.on_attach,
    })
    vim.lsp.enable('avtal')
    return
  end
  local attach = api == '0.8' and attach_0_8 or attach_0_7
  local group = vim.api.nvim_create_augroup('avtal_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'avtal',
    callback = function(args)
      attach(opts, args.buf)
    end,
  })
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == 'avtal' then
      attach(opts, bufnr)
    end
  end
end

return M
