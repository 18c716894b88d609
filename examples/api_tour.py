# %% [markdown]
# # A tour of the Python API
#
# A notebook in percent format: open it in Jupyter (with jupytext), VS Code or Spyder and run
# the cells in order.  Every call is documented in docs/api.md, every scenario field in
# docs/scenario_reference.md.  (As a plain script, the last cell's Dask workers would re-run
# the whole file: in a script, put `run_many` under `if __name__ == "__main__":`.)

# %%
import cge

print(cge.__version__)
print(cge.info()["scenarios"])            # the seed scenarios shipped with the package

# %% [markdown]
# ## A seed scenario: the 2018-19 US-China trade war

# %%
war = cge.load_scenario("trade_war_2018_2019")
ds = cge.run(war)                          # an xarray.Dataset; nothing written
ds.ev_usd_million.to_pandas().round(0)     # equivalent variation by region, USD million

# %% [markdown]
# ## A scenario written in code, checked, edited and solved

# %%
mine = cge.scenario({
    "name": "us_tariff_on_chinese_electronics",
    "description": "The US adds 25 points of tariff on Chinese electrical equipment and machinery.",
    "dataset": "default",
    "shocks": [{"name": "us_tariff", "type": "import_tariff", "importers": "USA",
                "exporters": "CHN", "sectors": ["ELE", "MCH"], "add_pct_points": 25}],
})
result = cge.run(mine)
print(result[["ev_pct_income", "real_gdp_pct", "tot_pct"]].to_dataframe().round(3))

# %%
# A validated copy with one change; its results record the edited value and a new hash.
stronger = cge.edit(cge.edit(mine, "shocks.0.add_pct_points", 50), "name", "us_tariff_50")
strong = cge.run(stronger)
print(strong.attrs["input_hash"], "!=", result.attrs["input_hash"])

# %% [markdown]
# ## One built model, many tariff levels

# %%
model = cge.Model(mine)                    # build and compile once
for points in (10, 25, 50, 100):
    r = model.run(cge.edit(mine, "shocks.0.add_pct_points", points))
    print(points, round(float(r.ev_usd_million.sel(region="USA"))),
          round(float(r.ev_usd_million.sel(region="CHN"))))

# %% [markdown]
# ## Why: the welfare decomposition

# %%
explained = cge.run(mine, decompose=True)
explained.ev_component_usd_million.sel(region=["USA", "CHN", "MEX"]).to_pandas().round(0)

# %% [markdown]
# ## Many scenarios on Dask (a local cluster here; `scheduler="tcp://host:8786"` for a cluster)

# %%
batch = cge.run_many([mine, stronger], workers=2)
batch.ev_pct_income.sel(region=["USA", "CHN"]).to_pandas().round(3)
